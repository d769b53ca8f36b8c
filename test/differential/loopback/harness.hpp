// test/differential/loopback/harness.hpp: the loopback differential test's
// vocabulary. A sequence is data: a name and a list of steps over
// sequence-local socket handles (h0, h1, ...) and symbolic addresses
// (127.0.0.1:P0, the abstract name "@srv"). The interpreter runs a sequence
// on a backend (the host kernel or a ksock stack) and turns every step into
// normalised observations (key = value strings: the return value, received
// bytes, addresses, then the poll mask and TCP state of every open handle),
// so two runs compare field by field and print the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <poll.h>
#include <string>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

namespace ksock_loopback {

// --- addresses as a sequence names them -------------------------------------------

//! A socket address before it is made concrete. Ports are symbolic (Pn: the
//! n-th port reserved for the sequence) or literal (0 and the odd test
//! value); abstract AF_UNIX names are written without the leading NUL and
//! get a per-run prefix on the kernel side only.
struct addr {
    enum class kind : std::uint8_t {
        none,        //!< a null pointer and length 0
        in4,         //!< sockaddr_in
        unix_name,   //!< abstract sockaddr_un: NUL + name
        unix_family, //!< only sun_family (addrlen 2: autobind for bind)
        unspec,      //!< sa_family AF_UNSPEC, rest of a sockaddr_in
    };
    kind k = kind::none;
    std::uint32_t ip = 0; //!< host order
    int sym = -1;         //!< >= 0: the port is P<sym>
    std::uint16_t port = 0;
    std::string name;
    int family = -1; //!< >= 0: written instead of the natural sa_family
    int len = -1;    //!< >= 0: the addrlen passed instead of the natural one
};

constexpr std::uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
}
inline constexpr std::uint32_t lo = ip4(127, 0, 0, 1);
inline constexpr std::uint32_t any = 0;

//! ip:P<sym>.
inline addr in(std::uint32_t ip, int sym) {
    addr a;
    a.k = addr::kind::in4;
    a.ip = ip;
    a.sym = sym;
    return a;
}
//! ip:port with a literal port (0: let the kernel choose).
inline addr in_port(std::uint32_t ip, std::uint16_t port) {
    addr a;
    a.k = addr::kind::in4;
    a.ip = ip;
    a.port = port;
    return a;
}
inline addr un(std::string name) {
    addr a;
    a.k = addr::kind::unix_name;
    a.name = std::move(name);
    return a;
}
inline addr un_family_only() {
    addr a;
    a.k = addr::kind::unix_family;
    return a;
}
inline addr unspec() {
    addr a;
    a.k = addr::kind::unspec;
    return a;
}
inline addr with_len(addr a, int len) {
    a.len = len;
    return a;
}
inline addr with_family(addr a, int family) {
    a.family = family;
    return a;
}

// --- steps ------------------------------------------------------------------------------

enum class op : std::uint8_t {
    socket,
    socketpair,
    close,
    bind,
    connect,
    listen,
    accept,  //!< accept(2)
    accept4, //!< accept4(2) with flags
    getsockname,
    getpeername,
    send,
    sendto,
    sendmsg,
    recv,
    recvfrom,
    recvmsg,
    shutdown,
    setsockopt_int,
    setsockopt_linger,
    getsockopt_int, //!< an int option (SO_ERROR, SO_ACCEPTCONN, ...) and its length
    fcntl,
    poll, //!< one handle with explicit events (the probes use a fixed set)
    icmp_send,
    icmp_recv, //!< receive until an echo/echo reply with the expected id (or EAGAIN)
    // The random differential's additions (test/differential/random/).
    dup,   //!< a: 0 dup(h), 1 dup2(h, h2's fd or a free one), 2 F_DUPFD b, 3 F_DUPFD_CLOEXEC b
    ioctl, //!< ioctl(h, a, &int b): the int is shown when the call wrote it
    sleep, //!< a ms: the kernel sleeps, ksock advances its clock
    sendmsg_cmsg, //!< sendmsg with SCM_RIGHTS of handles hs and/or SCM_CREDENTIALS (c)
    recvmsg_cmsg, //!< recvmsg with a control buffer of b bytes; fds go to h2, h2+1, ...
};

//! What sendmsg_cmsg puts in the control buffer (step::c, bits).
enum cmsg_bits : int {
    cmsg_rights = 1,    //!< SCM_RIGHTS with the fds of step::hs
    cmsg_creds = 2,     //!< SCM_CREDENTIALS with the caller's pid, uid, gid
    cmsg_bad_pid = 4,   //!< ... with a pid no task has
    cmsg_short_len = 8, //!< the first cmsg_len one byte too short for its header
};

//! One call. Which fields matter depends on the op (see the builder).
struct step {
    op o{};
    int h = -1;  //!< the handle the call works on
    int h2 = -1; //!< a second handle (result of socketpair/accept, ICMP id source)
    int a = 0, b = 0, c = 0;
    addr ad{};
    std::string data{};
    std::size_t len = 0;   //!< receive buffer size
    int addr_buf = -1;     //!< out-address buffer size; -1: a null pointer
                           //!< (getsockopt/setsockopt: >= 0 is the optlen passed)
    std::vector<int> hs{}; //!< sendmsg_cmsg: the handles whose fds SCM_RIGHTS carries
};

struct sequence {
    std::string name;
    std::vector<step> steps;
};

//! Builds a sequence fluently. Every send-side call gets MSG_NOSIGNAL added:
//! a broken pipe must be an EPIPE return on both sides, not a signal.
class seq {
public:
    explicit seq(std::string name) { s_.name = std::move(name); }

    seq& socket(int h, int family, int type, int protocol = 0) {
        return add({.o = op::socket, .h = h, .a = family, .b = type, .c = protocol});
    }
    seq& socketpair(int h, int h2, int family, int type, int protocol = 0) {
        return add({.o = op::socketpair, .h = h, .h2 = h2, .a = family, .b = type, .c = protocol});
    }
    seq& close(int h) { return add({.o = op::close, .h = h}); }
    seq& bind(int h, addr a) { return add({.o = op::bind, .h = h, .ad = std::move(a)}); }
    seq& connect(int h, addr a) { return add({.o = op::connect, .h = h, .ad = std::move(a)}); }
    seq& listen(int h, int backlog) { return add({.o = op::listen, .h = h, .a = backlog}); }
    //! accept(h) into handle nh, with an address buffer of addr_buf bytes.
    seq& accept(int h, int nh, int addr_buf = -1) {
        return add({.o = op::accept, .h = h, .h2 = nh, .addr_buf = addr_buf});
    }
    seq& accept4(int h, int nh, int flags, int addr_buf = -1) {
        return add({.o = op::accept4, .h = h, .h2 = nh, .a = flags, .addr_buf = addr_buf});
    }
    seq& getsockname(int h, int addr_buf = 128) {
        return add({.o = op::getsockname, .h = h, .addr_buf = addr_buf});
    }
    seq& getpeername(int h, int addr_buf = 128) {
        return add({.o = op::getpeername, .h = h, .addr_buf = addr_buf});
    }
    seq& names(int h) { return getsockname(h).getpeername(h); }
    seq& send(int h, std::string data, int flags = 0) {
        return add({.o = op::send, .h = h, .a = flags | MSG_NOSIGNAL, .data = std::move(data)});
    }
    seq& sendto(int h, std::string data, addr to, int flags = 0) {
        return add({.o = op::sendto,
                    .h = h,
                    .a = flags | MSG_NOSIGNAL,
                    .ad = std::move(to),
                    .data = std::move(data)});
    }
    //! sendmsg with the data split over \p iovs iovecs and an optional name.
    seq& sendmsg(int h, std::string data, addr to, int iovs = 1, int flags = 0) {
        return add({.o = op::sendmsg,
                    .h = h,
                    .a = flags | MSG_NOSIGNAL,
                    .b = iovs,
                    .ad = std::move(to),
                    .data = std::move(data)});
    }
    seq& recv(int h, std::size_t len, int flags = 0) {
        return add({.o = op::recv, .h = h, .a = flags, .len = len});
    }
    seq& recvfrom(int h, std::size_t len, int flags = 0, int addr_buf = 128) {
        return add({.o = op::recvfrom, .h = h, .a = flags, .len = len, .addr_buf = addr_buf});
    }
    seq& recvmsg(int h, std::size_t len, int flags = 0, int addr_buf = 128) {
        return add({.o = op::recvmsg, .h = h, .a = flags, .len = len, .addr_buf = addr_buf});
    }
    seq& shutdown(int h, int how) { return add({.o = op::shutdown, .h = h, .a = how}); }
    seq& setsockopt(int h, int level, int opt, int value) {
        return add({.o = op::setsockopt_int, .h = h, .a = level, .b = opt, .c = value});
    }
    seq& linger(int h, int onoff, int secs) {
        return add({.o = op::setsockopt_linger, .h = h, .a = onoff, .b = secs});
    }
    seq& getsockopt(int h, int level, int opt) {
        return add({.o = op::getsockopt_int, .h = h, .a = level, .b = opt});
    }
    seq& so_error(int h) { return getsockopt(h, SOL_SOCKET, SO_ERROR); }
    seq& fcntl(int h, int cmd, int arg = 0) {
        return add({.o = op::fcntl, .h = h, .a = cmd, .b = arg});
    }
    seq& poll(int h, int events) { return add({.o = op::poll, .h = h, .a = events}); }
    //! An ICMP message (type, code, id, sequence number, payload) to \p to;
    //! the checksum is computed (a ping socket recomputes it, and its id).
    seq& icmp_send(int h, int type, int code, int id, int seqno, std::string payload, addr to) {
        return add({.o = op::icmp_send,
                    .h = h,
                    .a = type,
                    .b = code,
                    .c = id,
                    .ad = std::move(to),
                    .data = std::move(payload),
                    .len = static_cast<std::size_t>(seqno)});
    }
    //! Receive on h until an ICMP echo (reply) whose id is the local port of
    //! handle \p id_of (a ping socket's id) or, with id_of < 0, \p id: other
    //! traffic on the host's loopback may reach a raw socket.
    seq& icmp_recv(int h, int id_of, int id = 0) {
        return add({.o = op::icmp_recv, .h = h, .h2 = id_of, .c = id, .len = 2048});
    }

    seq& add(step s) {
        s_.steps.push_back(std::move(s));
        return *this;
    }
    sequence done() { return std::move(s_); }
    operator sequence() { return done(); }

private:
    sequence s_;
};

//! A deterministic payload of n bytes.
std::string pattern(std::size_t n, char first = 'a');

// --- observations -------------------------------------------------------------------------

struct field {
    std::string key, value;
};
struct step_obs {
    std::string call;          //!< the step, as text
    std::vector<field> fields; //!< the call's results, then the probes
};
struct seq_obs {
    std::vector<step_obs> steps;
};

// --- backends -------------------------------------------------------------------------------

//! The system calls under test, kernel style: >= 0 or -errno. Addresses and
//! messages are the host's types (ksock's have the same layout). A backend
//! presents AF_UNIX names as the sequence wrote them (the kernel one adds
//! and strips its per-run prefix), so the interpreter never sees the
//! difference.
class backend {
public:
    virtual ~backend() = default;
    virtual const char* name() const = 0;
    //! A fresh world for sequence \p index (ksock: a new stack).
    virtual void begin(int index) = 0;
    virtual void end() = 0;

    virtual int socket(int family, int type, int protocol) = 0;
    virtual int socketpair(int family, int type, int protocol, int sv[2]) = 0;
    virtual int close(int fd) = 0;
    virtual int bind(int fd, const sockaddr* a, socklen_t len) = 0;
    virtual int connect(int fd, const sockaddr* a, socklen_t len) = 0;
    virtual int listen(int fd, int backlog) = 0;
    virtual int accept(int fd, sockaddr* a, socklen_t* len) = 0;
    virtual int accept4(int fd, sockaddr* a, socklen_t* len, int flags) = 0;
    virtual int getsockname(int fd, sockaddr* a, socklen_t* len) = 0;
    virtual int getpeername(int fd, sockaddr* a, socklen_t* len) = 0;
    virtual long send(int fd, const void* buf, std::size_t len, int flags) = 0;
    virtual long sendto(int fd, const void* buf, std::size_t len, int flags, const sockaddr* a,
                        socklen_t alen) = 0;
    virtual long sendmsg(int fd, const msghdr* m, int flags) = 0;
    virtual long recv(int fd, void* buf, std::size_t len, int flags) = 0;
    virtual long recvfrom(int fd, void* buf, std::size_t len, int flags, sockaddr* a,
                          socklen_t* alen) = 0;
    virtual long recvmsg(int fd, msghdr* m, int flags) = 0;
    virtual int shutdown(int fd, int how) = 0;
    virtual int setsockopt(int fd, int level, int opt, const void* val, socklen_t len) = 0;
    virtual int getsockopt(int fd, int level, int opt, void* val, socklen_t* len) = 0;
    virtual int fcntl(int fd, int cmd, long arg) = 0;
    virtual int poll(pollfd* fds, unsigned long n, int timeout_ms) = 0;
    virtual int dup(int fd) = 0;
    virtual int dup2(int fd, int fd2) = 0;
    //! \p arg points to an int at the start of a whole struct ifreq.
    virtual int ioctl(int fd, unsigned long cmd, int* arg) = 0;
    //! Time passes: the kernel sleeps for real, ksock runs its timers.
    virtual void sleep_ms(int ms) = 0;
    //! The pid SCM_CREDENTIALS must carry (shown as "self").
    virtual int pid() const = 0;
};

// --- running and comparing ------------------------------------------------------------------

//! What the environment asks for (read once).
struct options {
    bool kernel_only = false; //!< KSOCK_LOOPBACK_KERNEL_ONLY=1
    bool verbose = false;     //!< KSOCK_LOOPBACK_VERBOSE=1: print both runs of each sequence
    //! KSOCK_LOOPBACK_ALL_MISMATCHES=1: every mismatch, not only a
    //! sequence's first of each kind (call results, poll masks, TCP
    //! states, local/peer addresses)
    bool all_mismatches = false;
    std::string filter; //!< KSOCK_LOOPBACK_FILTER: substring of the sequence names
};
const options& env_options();

//! The ports of sequence \p index: P<n> is the returned base + n.
inline constexpr int ports_per_sequence = 8;
std::uint16_t port_base(int index);

//! What is observed besides the call's own results. The scripted sequences
//! use the defaults; the random differential adds the queue sizes.
struct probe_set {
    bool queues = false; //!< SIOCINQ and SIOCOUTQ of every open handle
};

seq_obs run_sequence(backend& b, const sequence& s, int index, const probe_set& probes = {});
std::string format(const sequence& s, const seq_obs& o);
//! A step as text, as format() prints it.
std::string describe(const step& s);
//! Names of a socket option and an ioctl request, as describe() writes them.
std::string sockopt_name(int level, int opt);
std::string ioctl_name(unsigned long cmd);
//! Handles a step may name: h0 .. h<max_handles - 1>.
inline constexpr int max_handles = 16;

struct tally {
    long sequences = 0, steps = 0, comparisons = 0, mismatches = 0;
    long kernel_unstable = 0; //!< kernel runs that needed a third run to decide
};

//! Runs one family's sequences: on the kernel only (printing every
//! observation) or on both backends, failing a doctest check for each
//! mismatch. Sequence indices continue across families (they pick ports
//! and names), so \p next_index is advanced.
tally run_family(const char* family, const std::vector<sequence>& seqs, int& next_index);

// --- the sequence lists
// ---------------------------------------------------------------------------

std::vector<sequence> tcp_sequences();
std::vector<sequence> tcp_window_sequences(); //!< (part of tcp_sequences)
std::vector<sequence> udp_sequences();
std::vector<sequence> unix_sequences();
std::vector<sequence> raw_sequences();
std::vector<sequence> socket_sequences();

} // namespace ksock_loopback
