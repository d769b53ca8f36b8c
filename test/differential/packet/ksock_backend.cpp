// test/differential/packet/ksock_backend.cpp: ksock's side of the packet
// differential, in virtual time. A stack whose devices are lo and a TUN-like
// test device (ksock_tun.hpp) at 192.0.2.1/24; its clock (1 ms jiffies) is
// the script's clock (offset by an uptime), moved only by run_until.
//
//  - run_until(t) steps the clock to the next timer or t, whichever comes
//    first, and stops at the first packet the device transmits or call that
//    returns: a packet leaves at the jiffy its timer fired, to the
//    microsecond, so the runner needs no timer-wheel slack.
//  - inject() puts the packet in the device's receive ring and polls the
//    device at once (the kernel's TUN write runs the receive path in the
//    writer's context too).
//  - Calls are the stack's own (kernel-style, -errno), on a stack that never
//    sleeps (no_wait). A call on a blocking descriptor that would block is
//    kept and tried again as the clock moves and packets come in, until it
//    completes: the script's `a...b`. Blocking connect waits for the
//    handshake's end and returns SO_ERROR, as inet_wait_for_connect does;
//    a blocking send keeps going until every byte is queued; poll and the
//    SO_RCVTIMEO / SO_SNDTIMEO timeouts run out in virtual time.
//
// The script's descriptors start at 3: fds 0-2 are held by one socket
// opened before the script, as a process's stdin/stdout/stderr are.
#include <algorithm>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <memory>

#include <netinet/tcp.h>

#include <ksock/config.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/inet/family.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/socket.hpp>

#include "backend.hpp"
#include "ksock_sysctl.hpp"
#include "ksock_tun.hpp"
#include "tcp_info.hpp"

namespace ksock_packet {

namespace {

//! lo and the test device (ifindex 2); pools large enough that no script
//! runs them out (a full pool would be a difference of its own).
struct pkt_config : ksock::stack_config {
    using families = ksock::type_list<ksock::inet::inet_family>;
    using devices = ksock::type_list<ksock::drivers::loopback, ksock_tun>;
    static constexpr std::size_t skbs = 1024;
    static constexpr std::size_t skb_data_size = 2048;
    static constexpr std::size_t neigh_entries = 8;
    static constexpr std::size_t fib_entries = 4;
    static constexpr std::size_t inet_addrs = 4;
};
using pkt_stack = ksock::stack<pkt_config>;
constexpr int tun_ifindex = 2;
//! The stack's clock when the script starts (its time 0).
constexpr unsigned long uptime_ms = 100000;

//! The host's /proc/sys/\p path (its first line), or "" when unreadable.
std::string host_sysctl(const std::string& path) {
    std::ifstream in("/proc/sys/" + path);
    std::string line;
    if (!in || !std::getline(in, line))
        return "";
    return line;
}
static_assert(pkt_stack::ifindex_of<ksock_tun>() == tun_ifindex,
              "ksock_backend: the test device must be ifindex 2 (after lo)");

//! A call in progress: what is left of it, and until when it may wait.
struct call_state {
    sys_call c;
    std::size_t sent = 0;              //!< a blocking send's bytes queued so far
    std::vector<std::uint8_t> got{};   //!< a blocking MSG_WAITALL recv's bytes so far
    bool connecting = false;           //!< a blocking connect waiting for the handshake
    bool lingering = false;            //!< a close waiting out SO_LINGER for its FIN's ACK
    ksock::sockaddr_in self{}, peer{}; //!< that connection's ends
    usec deadline = -1;                //!< a timeout (poll's, SO_*TIMEO's); -1: none
};

class ksock_backend final : public backend {
public:
    ksock_backend() : s_(std::make_unique<pkt_stack>()) {}
    const char* name() const override { return "ksock"; }

    std::string open(const std::vector<std::pair<std::string, std::string>>& sysctls) override {
        s_->boot();
        // The host has been up a while when a script starts, as Linux's
        // clock always has: a TCP stamp of 0 means "none" to Linux and ksock
        // alike (retrans_stamp), which a clock at 0 would hit.
        s_->advance(uptime_ms);
        namespace ip = ksock::inet;
        if (int e =
                ip::iproute::addr_add(*s_, tun_ifindex, ksock::cpu_to_be32(local_ip), prefix_len);
            e < 0)
            return "ksock: address: " + ksock_errno(e);
        if (int e = s_->dev_open(tun_ifindex); e < 0)
            return "ksock: device up: " + ksock_errno(e);
        // net.core.rmem_max and wmem_max are the machine's, not a
        // namespace's: the kernel side's namespace sees the host's values
        // (the window scale of a SYN-ACK follows rmem_max), so ksock takes
        // them too.
        for (const char* leaf : {"rmem_max", "wmem_max"})
            if (std::string v = host_sysctl(std::string("net/core/") + leaf); !v.empty())
                if (std::string e = set_sysctl(std::string("net.core.") + leaf, v); !e.empty())
                    return e;
        for (const auto& [n, v] : sysctls)
            if (std::string e = set_sysctl(n, v); !e.empty())
                return e;
        // stdin, stdout and stderr: the script's first socket is 3.
        const int fd = s_->socket(ksock::af_inet, ksock::sock_dgram, 0);
        if (fd != 0 || s_->dup(fd) != 1 || s_->dup(fd) != 2)
            return "ksock: descriptors 0-2 could not be taken";
        return "";
    }

    void start() override {
        step(0);
        dev().tx.clear();
        now_ = 0;
    }
    usec now() override { return now_; }

    void run_until(usec until) override;
    void inject(const std::vector<std::uint8_t>& ipv4) override;

    std::optional<outbound> pop_outbound() override {
        auto& tx = dev().tx;
        if (tx.empty())
            return std::nullopt;
        outbound o{tx.front().t, tx.front().epoch, std::move(tx.front().bytes)};
        tx.pop_front();
        return o;
    }

    int start_call(const sys_call& call) override;
    std::optional<sys_result> finished(int id) override {
        const auto it = done_.find(id);
        if (it == done_.end())
            return std::nullopt;
        sys_result r = std::move(it->second);
        done_.erase(it);
        return r;
    }
    std::uint64_t epoch() const override { return epoch_; }

private:
    ksock_tun& dev() { return s_->device<ksock_tun>(); }
    static std::string ksock_errno(int e) { return std::strerror(-e); }

    std::string set_sysctl(const std::string& name, const std::string& v);
    //! Polls the device and advances the clock by \p ms, the device
    //! stamping what it sends with the time it is sent.
    void step(unsigned long ms) {
        dev().now = now_;
        dev().epoch = epoch_;
        s_->advance(ms);
    }
    bool blocking(int fd, std::int64_t msg_flags) {
        const int fl = s_->fcntl(fd, ksock::f_getfl);
        return fl >= 0 && !(fl & ksock::o_nonblock) && !(msg_flags & ksock::msg_dontwait);
    }
    usec sock_timeout(int fd, int opt);
    int sock_type(int fd);
    long immediate(const sys_call& c, sys_result& r);
    std::optional<long> attempt_connect(call_state& st);
    std::optional<long> attempt_close(call_state& st);
    bool fin_unacked(const call_state& st);
    std::optional<sys_result> attempt(call_state& st);
    //! Tries every call in progress again; whether one completed.
    bool retry();

    std::unique_ptr<pkt_stack> s_;
    usec now_ = 0;
    std::uint64_t epoch_ = 0;
    int next_id_ = 1;
    std::map<int, call_state> waiting_;
    std::map<int, sys_result> done_;
};

std::string ksock_backend::set_sysctl(const std::string& name, const std::string& v) {
    auto& v4 = ksock::inet::ipv4_net(*s_);
    if (name == "net.ipv4.tcp_congestion_control")
        return v4.set_tcp_congestion_control(v.c_str()) == 0
                   ? ""
                   : "ksock has no congestion control " + v + " (" + name + ")";
    if (name.rfind("net.ipv4.", 0) == 0)
        return ksock_sysctl::set_ipv4(v4.sysctl, name, name.substr(9), v);
    if (name.rfind("net.core.", 0) == 0)
        return ksock_sysctl::set_core(s_->net().sysctl, name, name.substr(9), v);
    return ksock_sysctl::absent(name);
}

//! SO_TYPE of \p fd (0 when it is no socket).
int ksock_backend::sock_type(int fd) {
    int type = 0;
    ksock::socklen_t l = sizeof type;
    s_->getsockopt(fd, ksock::sol_socket, ksock::so_type, &type, &l);
    return type;
}

//! SO_RCVTIMEO / SO_SNDTIMEO of \p fd in microseconds (0: none).
usec ksock_backend::sock_timeout(int fd, int opt) {
    struct {
        long sec, usec;
    } tv{};
    ksock::socklen_t l = sizeof tv;
    if (s_->getsockopt(fd, ksock::sol_socket, opt, &tv, &l) != 0)
        return 0;
    return tv.sec * 1000000 + tv.usec;
}

//! A call that never waits: its result (-errno or a value), \p r's data.
long ksock_backend::immediate(const sys_call& c, sys_result& r) {
    switch (c.o) {
    case sys_call::op::socket:
        return s_->socket(static_cast<int>(c.a), static_cast<int>(c.b), static_cast<int>(c.c));
    case sys_call::op::bind:
        return s_->bind(c.fd, reinterpret_cast<const ksock::sockaddr*>(&c.addr), sizeof c.addr);
    case sys_call::op::listen:
        return s_->listen(c.fd, static_cast<int>(c.a));
    case sys_call::op::setsockopt:
        return s_->setsockopt(c.fd, static_cast<int>(c.a), static_cast<int>(c.b), c.data.data(),
                              static_cast<ksock::socklen_t>(c.len));
    case sys_call::op::getsockopt:
    case sys_call::op::tcp_info: {
        const bool info = c.o == sys_call::op::tcp_info;
        r.data.assign(info ? 512 : std::max<std::size_t>(c.len, 1), 0);
        auto l = static_cast<ksock::socklen_t>(info ? sizeof(tcp_info_618) : c.len);
        const long ret = s_->getsockopt(c.fd, info ? IPPROTO_TCP : static_cast<int>(c.a),
                                        info ? TCP_INFO : static_cast<int>(c.b), r.data.data(), &l);
        r.len = l;
        r.data.resize(std::min<std::size_t>(l, r.data.size()));
        return ret;
    }
    case sys_call::op::close:
        return s_->close(c.fd);
    case sys_call::op::shutdown:
        return s_->shutdown(c.fd, static_cast<int>(c.a));
    case sys_call::op::fcntl:
        return s_->fcntl(c.fd, static_cast<int>(c.a), static_cast<long>(c.b));
    case sys_call::op::ioctl: {
        int v = 0;
        const long ret = s_->ioctl(c.fd, static_cast<unsigned long>(c.a), &v);
        r.data.resize(sizeof v);
        std::memcpy(r.data.data(), &v, sizeof v);
        return ret;
    }
    case sys_call::op::getsockname:
    case sys_call::op::getpeername: {
        ksock::sockaddr_in a{};
        ksock::socklen_t l = sizeof a;
        auto* sa = reinterpret_cast<ksock::sockaddr*>(&a);
        const long ret = c.o == sys_call::op::getsockname ? s_->getsockname(c.fd, sa, &l)
                                                          : s_->getpeername(c.fd, sa, &l);
        r.data.resize(sizeof a);
        std::memcpy(r.data.data(), &a, sizeof a);
        return ret;
    }
    default:
        return -ksock::enosys; // the waiting kinds are attempt()'s
    }
}

//! A connect (again): a blocking one that said EINPROGRESS waits for the
//! handshake's end and gives SO_ERROR, as inet_wait_for_connect and
//! sock_error do; nothing while it waits.
std::optional<long> ksock_backend::attempt_connect(call_state& st) {
    const sys_call& c = st.c;
    if (!st.connecting) {
        const long ret =
            s_->connect(c.fd, reinterpret_cast<const ksock::sockaddr*>(&c.addr), sizeof c.addr);
        if (ret != -ksock::einprogress || !blocking(c.fd, 0))
            return ret;
        st.connecting = true;
        if (const usec t = sock_timeout(c.fd, ksock::so_sndtimeo); t > 0)
            st.deadline = now_ + t;
    }
    ksock::pollfd p{c.fd, ksock::pollout, 0};
    if (s_->poll(&p, 1, 0) == 0) {
        if (st.deadline < 0 || now_ < st.deadline)
            return std::nullopt;
        return -ksock::einprogress; // SO_SNDTIMEO ran out
    }
    int err = 0;
    ksock::socklen_t l = sizeof err;
    s_->getsockopt(c.fd, ksock::sol_socket, ksock::so_error, &err, &l);
    return -err;
}

//! A close (again). With SO_LINGER's time, Linux's close waits while the
//! FIN is unacknowledged (sk_stream_wait_close), up to that time; ksock's
//! stack here cannot sleep, so its close returns at once, the orphan going
//! on, and the wait is this caller's: it ends when the connection leaves
//! FIN_WAIT1, CLOSING and LAST_ACK or the time runs out. The result is
//! close's own.
std::optional<long> ksock_backend::attempt_close(call_state& st) {
    const sys_call& c = st.c;
    if (!st.lingering) {
        ksock::linger lg{};
        ksock::socklen_t l = sizeof lg;
        const bool lingers =
            sock_type(c.fd) == ksock::sock_stream &&
            s_->getsockopt(c.fd, ksock::sol_socket, ksock::so_linger, &lg, &l) == 0 && lg.l_onoff &&
            lg.l_linger > 0;
        ksock::socklen_t sl = sizeof st.self;
        ksock::socklen_t pl = sizeof st.peer;
        const bool connected =
            lingers &&
            s_->getsockname(c.fd, reinterpret_cast<ksock::sockaddr*>(&st.self), &sl) == 0 &&
            s_->getpeername(c.fd, reinterpret_cast<ksock::sockaddr*>(&st.peer), &pl) == 0;
        const long ret = s_->close(c.fd);
        if (ret != 0 || !connected)
            return ret;
        st.lingering = true;
        st.deadline = now_ + usec{lg.l_linger} * 1000000;
    }
    if (fin_unacked(st) && now_ < st.deadline)
        return std::nullopt;
    return 0;
}

//! Whether the connection of a lingering close still waits for its FIN's
//! ACK (its sock, orphaned, in FIN_WAIT1, CLOSING or LAST_ACK).
bool ksock_backend::fin_unacked(const call_state& st) {
    namespace ip = ksock::inet;
    bool waits = false;
    s_->context().template for_each_obj<ip::tcp_prot>([&](ip::tcp_sock& tp) {
        const ip::inet_sock& i = tp.inet_conn.icsk_inet;
        const std::uint8_t state = i.sk.sk_state();
        if (i.inet_rcv_saddr() == st.self.sin_addr.s_addr && i.inet_sport == st.self.sin_port &&
            i.inet_daddr() == st.peer.sin_addr.s_addr && i.inet_dport() == st.peer.sin_port &&
            (state == ksock::tcp_fin_wait1 || state == ksock::tcp_closing ||
             state == ksock::tcp_last_ack))
            waits = true;
    });
    return waits;
}

//! Runs the call (again); nothing while it must wait.
std::optional<sys_result> ksock_backend::attempt(call_state& st) {
    const sys_call& c = st.c;
    sys_result r;
    long ret = 0;
    // Whether a call that said EAGAIN waits on: a blocking descriptor, no
    // MSG_DONTWAIT, its SO_*TIMEO (\p opt) not run out.
    auto wait = [&](int opt, std::int64_t msg_flags) -> bool {
        if (ret != -ksock::eagain || !blocking(c.fd, msg_flags))
            return false;
        if (st.deadline < 0)
            if (const usec t = sock_timeout(c.fd, opt); t > 0)
                st.deadline = now_ + t;
        return st.deadline < 0 || now_ < st.deadline;
    };
    switch (c.o) {
    case sys_call::op::connect: {
        const auto done = attempt_connect(st);
        if (!done)
            return std::nullopt;
        ret = *done;
        break;
    }
    case sys_call::op::accept:
        ret = s_->accept4(c.fd, nullptr, nullptr, static_cast<int>(c.a));
        if (wait(ksock::so_rcvtimeo, 0))
            return std::nullopt;
        break;
    case sys_call::op::write:
    case sys_call::op::send: {
        const int flags = c.o == sys_call::op::send ? static_cast<int>(c.a) : 0;
        ret = s_->send(c.fd, c.data.data() + st.sent, c.len - st.sent, flags);
        if (ret > 0)
            st.sent += static_cast<std::size_t>(ret);
        if (ret > 0 && st.sent < c.len)
            ret = -ksock::eagain; // Linux's blocking send goes on until all is queued
        if (wait(ksock::so_sndtimeo, flags))
            return std::nullopt;
        if (st.sent > 0)
            ret = static_cast<long>(st.sent);
        break;
    }
    case sys_call::op::read:
    case sys_call::op::recv: {
        const int flags = c.o == sys_call::op::recv ? static_cast<int>(c.a) : 0;
        // MSG_WAITALL on a blocking stream: Linux's reader takes what comes
        // until the whole length is there (an error, EOF or the timeout
        // ends it with what it has); a peek never consumes, so never waits;
        // a datagram socket ignores the flag.
        const bool all = (flags & ksock::msg_waitall) && !(flags & ksock::msg_peek) &&
                         sock_type(c.fd) == ksock::sock_stream;
        r.data.assign(std::max<std::size_t>(c.len - st.got.size(), 1), 0);
        ret = s_->recv(c.fd, r.data.data(), c.len - st.got.size(), flags);
        if (ret > 0)
            st.got.insert(st.got.end(), r.data.begin(), r.data.begin() + ret);
        if (all && ret > 0 && st.got.size() < c.len)
            ret = -ksock::eagain;
        if (wait(ksock::so_rcvtimeo, flags))
            return std::nullopt;
        if (!st.got.empty())
            ret = static_cast<long>(st.got.size());
        r.data = std::move(st.got);
        break;
    }
    case sys_call::op::close: {
        const auto done = attempt_close(st);
        if (!done)
            return std::nullopt;
        ret = *done;
        break;
    }
    case sys_call::op::poll: {
        r.fds = c.fds;
        std::vector<ksock::pollfd> p(c.fds.size());
        for (std::size_t i = 0; i < p.size(); ++i)
            p[i] = ksock::pollfd{c.fds[i].fd, c.fds[i].events, 0};
        ret = s_->poll(p.data(), p.size(), 0);
        if (ret == 0 && c.a != 0) {
            if (st.deadline < 0 && c.a > 0)
                st.deadline = now_ + c.a * 1000;
            if (c.a < 0 || now_ < st.deadline)
                return std::nullopt;
        }
        for (std::size_t i = 0; i < p.size(); ++i)
            r.fds[i].revents = p[i].revents;
        break;
    }
    default:
        ret = immediate(c, r);
        break;
    }
    r.ret = ret < 0 ? -1 : ret;
    r.err = ret < 0 ? static_cast<int>(-ret) : 0;
    r.t = now_;
    return r;
}

bool ksock_backend::retry() {
    bool any = false;
    dev().now = now_;
    dev().epoch = epoch_;
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (auto r = attempt(it->second)) {
            done_.emplace(it->first, std::move(*r));
            it = waiting_.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

int ksock_backend::start_call(const sys_call& call) {
    ++epoch_;
    const int id = next_id_++;
    dev().now = now_;
    dev().epoch = epoch_;
    call_state st{call};
    // The calls already waiting may be woken by this one (a shutdown ends
    // a blocked recv): they are tried again after it, as their threads
    // would run after its wakeup.
    auto r = attempt(st);
    retry();
    if (r)
        done_.emplace(id, std::move(*r));
    else
        waiting_.emplace(id, std::move(st));
    return id;
}

void ksock_backend::inject(const std::vector<std::uint8_t>& ipv4) {
    ++epoch_;
    dev().rx.push_back(ipv4);
    step(0);
    retry();
}

void ksock_backend::run_until(usec until) {
    const std::uint64_t sent = dev().tx_count;
    // Each round moves the clock to the next thing that can happen: a timer,
    // a waiting call's timeout, or `until`. Bounded: a timer that stays due
    // without firing still lets the clock move a jiffy a round.
    for (int rounds = 0; now_ < until && rounds < 1000000; ++rounds) {
        usec target = until;
        const long nt = s_->next_timer();
        const usec jiffy = now_ / 1000 * 1000;
        if (nt >= 0)
            target = std::min(target, jiffy + std::max<long>(nt, 1) * 1000);
        for (const auto& [id, st] : waiting_)
            if (st.deadline >= 0)
                target = std::min(target, std::max(st.deadline, now_));
        if (nt == 0) {
            step(0); // a timer due now runs before the clock moves
            if (retry() || dev().tx_count != sent)
                return;
        }
        const unsigned long ms = static_cast<unsigned long>(target / 1000 - now_ / 1000);
        now_ = target;
        step(ms);
        const bool returned = retry();
        if (returned || dev().tx_count != sent)
            return;
    }
}

} // namespace

std::unique_ptr<backend> make_ksock_backend(std::string& why_not) {
    why_not.clear();
    return std::make_unique<ksock_backend>();
}

} // namespace ksock_packet
