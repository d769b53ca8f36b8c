// test/differential/random/check.cpp: running a sequence on both sides and
// judging the observations.
//
// Nondeterminism: every sequence runs on the kernel at least twice (with
// other ports and names); when the runs differ anywhere, up to four. An
// observation is judged against the set of values the kernel runs gave:
// ksock agrees when its value is one of them. Where the kernel runs
// disagree and ksock matches none, the observation is counted apart
// (timing: a delayed ACK that fired in one run) and never as ksock's error.
//
// Signatures: a mismatch is named by the op (with the option or ioctl it
// names), the kind of socket the step works on, the observation (the
// call's own result, or a probe of this or another handle) and the kinds of
// the two values (an errno, 0, a positive number, a poll mask, a TCP state,
// an address shape), so that one problem seen in many sequences and with
// many byte counts is one line.
#include "check.hpp"

#include <algorithm>
#include <cctype>
#include <fcntl.h>
#include <map>
#include <memory>
#include <regex>
#include <utility>

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../loopback/backends.hpp"
#include "generator.hpp"

namespace ksock_random {

using namespace ksock_loopback;

namespace {

backend& kernel_side() {
    static const std::unique_ptr<backend> b = [] {
        kernel_setup();
        return make_kernel_backend();
    }();
    return *b;
}

backend& ksock_side() {
    static const std::unique_ptr<backend> b = make_ksock_backend();
    return *b;
}

const probe_set probes{.queues = true};

seq_obs run_on(backend& b, const sequence& s, int index) {
    b.begin(index);
    seq_obs o = run_sequence(b, s, index, probes);
    b.end();
    return o;
}

//! Every 500 kernel runs the process moves to a new network namespace: port
//! ranges are reused after 2750 runs, TIME_WAIT lasts 60 s, and a run must
//! never find a port of an earlier one still held.
int take_index(int& next_index) {
    const int i = next_index++;
    if (i > 0 && i % 500 == 0)
        kernel_renew_netns();
    return i;
}

const std::string* value_of(const step_obs& st, const std::string& key) {
    for (const field& f : st.fields)
        if (f.key == key)
            return &f.value;
    return nullptr;
}

bool is_int(const std::string& v) {
    if (v.empty())
        return false;
    std::size_t i = v[0] == '-' ? 1 : 0;
    if (i == v.size())
        return false;
    for (; i < v.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(v[i])))
            return false;
    return true;
}

//! What sort of value an observation is, without its particulars.
std::string value_kind(const std::string& what, const std::string& v) {
    if (v == "(absent)")
        return "absent";
    if (v.size() > 2 && v[0] == '-' && v[1] == 'E')
        return v;
    if (what == "poll" || what == "revents" || what == "msg_flags")
        return v;
    if (what == "tcp")
        return v.substr(0, v.find(' '));
    if (is_int(v)) {
        const long long n = std::stoll(v);
        return n == 0 ? "0" : n > 0 ? "n>0" : "n<0";
    }
    if (what == "data")
        return "bytes";
    if (what == "cmsg")
        return v.substr(0, v.find_first_of(" :"));
    if (what == "name" || what == "peer" || what == "addr") {
        static const std::regex sym(":P[0-9]+"), eph(":E[0-9]+"), autob("<autobind #[0-9]+");
        std::string k = std::regex_replace(v, sym, ":P");
        k = std::regex_replace(k, eph, ":E");
        k = std::regex_replace(k, autob, "<autobind");
        if (k.rfind("@\"", 0) == 0)
            return "@name";
        return k;
    }
    return v.size() > 32 ? v.substr(0, 32) + "..." : v;
}

std::string op_name(const step& st) {
    std::string n;
    switch (st.o) {
    case op::socket:
        return "socket";
    case op::socketpair:
        return "socketpair";
    case op::close:
        return "close";
    case op::bind:
        return "bind";
    case op::connect:
        return "connect";
    case op::listen:
        return "listen";
    case op::accept:
        return "accept";
    case op::accept4:
        return "accept4";
    case op::getsockname:
        return "getsockname";
    case op::getpeername:
        return "getpeername";
    case op::send:
        n = "send";
        break;
    case op::sendto:
        n = "sendto";
        break;
    case op::sendmsg:
        n = "sendmsg";
        break;
    case op::recv:
        n = "recv";
        break;
    case op::recvfrom:
        n = "recvfrom";
        break;
    case op::recvmsg:
        n = "recvmsg";
        break;
    case op::shutdown:
        return "shutdown";
    case op::setsockopt_int:
        return "setsockopt(" + sockopt_name(st.a, st.b) + ")";
    case op::setsockopt_linger:
        return "setsockopt(SO_LINGER)";
    case op::getsockopt_int:
        return "getsockopt(" + sockopt_name(st.a, st.b) + ")";
    case op::fcntl:
        return st.a == F_GETFL   ? "fcntl(F_GETFL)"
               : st.a == F_SETFL ? "fcntl(F_SETFL)"
               : st.a == F_GETFD ? "fcntl(F_GETFD)"
               : st.a == F_SETFD ? "fcntl(F_SETFD)"
                                 : "fcntl(" + std::to_string(st.a) + ")";
    case op::poll:
        return "poll";
    case op::icmp_send:
        return "icmp_send";
    case op::icmp_recv:
        return "icmp_recv";
    case op::dup:
        return st.a == 0 ? "dup" : st.a == 1 ? "dup2" : "fcntl(F_DUPFD)";
    case op::ioctl:
        return "ioctl(" + ioctl_name(static_cast<unsigned long>(st.a)) + ")";
    case op::sleep:
        return "sleep";
    case op::sendmsg_cmsg:
        return std::string("sendmsg") + (st.c & cmsg_rights ? "+SCM_RIGHTS" : "") +
               (st.c & cmsg_creds ? "+SCM_CREDENTIALS" : "") +
               (st.c & cmsg_short_len ? "(short cmsg_len)" : "");
    case op::recvmsg_cmsg:
        n = "recvmsg+control";
        break;
    }
    // The data path: MSG_OOB takes another path, MSG_PEEK keeps the data.
    if (st.a & MSG_OOB)
        n += "+OOB";
    if (st.a & MSG_PEEK)
        n += "+PEEK";
    return n;
}

bool sends(op o) {
    return o == op::send || o == op::sendto || o == op::sendmsg || o == op::sendmsg_cmsg;
}
bool recvs(op o) {
    return o == op::recv || o == op::recvfrom || o == op::recvmsg || o == op::recvmsg_cmsg;
}

//! The handles whose fd \p st closes, explicitly or by reusing the
//! handle for a new fd (the interpreter closes the old one first).
std::vector<int> closed_by(const step& st) {
    std::vector<int> gone;
    if (st.o == op::close || st.o == op::socket || st.o == op::socketpair)
        gone.push_back(st.h);
    if (st.o == op::socketpair || st.o == op::accept || st.o == op::accept4 || st.o == op::dup)
        gone.push_back(st.h2);
    if (st.o == op::recvmsg_cmsg)
        for (int h = st.h2; h >= 0 && h < max_handles; ++h)
            gone.push_back(h);
    return gone;
}

//! Does step \p at close a handle that an SCM_RIGHTS message sent before
//! step \p before carried, or one a receive before it installed such a
//! file into (recvmsg+control puts them in h2, h2 + 1, ...)?
bool closes_passed(const sequence& s, std::size_t at, std::size_t before) {
    const std::vector<int> gone = closed_by(s.steps[at]);
    bool sent = false;
    for (std::size_t i = 0; i < before; ++i) {
        const step& p = s.steps[i];
        if (p.o == op::sendmsg_cmsg && (p.c & cmsg_rights)) {
            sent = true;
            for (int g : gone)
                if (std::find(p.hs.begin(), p.hs.end(), g) != p.hs.end())
                    return true;
        }
        if (sent && p.o == op::recvmsg_cmsg && p.h2 >= 0)
            for (int g : gone)
                if (g >= p.h2)
                    return true;
    }
    return false;
}

//! Was a handle that an SCM_RIGHTS message carried closed after it was
//! sent and before step \p step?
bool passed_then_closed(const sequence& s, std::size_t step) {
    for (std::size_t j = 1; j < step; ++j)
        if (closes_passed(s, j, j))
            return true;
    return false;
}

//! Did a step before \p at call \p o on the socket that handle \p h holds at
//! \p at? Handles are followed forward: socket, socketpair and accept make
//! a new socket, dup (dup2, F_DUPFD) another handle for the same one.
bool socket_did(const sequence& s, std::size_t at, int h, op o) {
    std::map<int, int> id; // handle -> socket
    int next = 0;
    std::vector<std::pair<int, op>> done; // (socket, op) of the steps so far
    for (std::size_t i = 0; i < at; ++i) {
        const step& p = s.steps[i];
        if (p.h >= 0 && id.count(p.h) && (p.o == o))
            done.emplace_back(id[p.h], p.o);
        switch (p.o) {
        case op::socket:
            id[p.h] = next++;
            break;
        case op::socketpair:
            id[p.h] = next++;
            id[p.h2] = next++;
            break;
        case op::accept:
        case op::accept4:
            id[p.h2] = next++;
            break;
        case op::dup:
            if (id.count(p.h))
                id[p.h2] = id[p.h];
            break;
        case op::close:
            id.erase(p.h);
            break;
        default:
            break;
        }
    }
    if (!id.count(h))
        return false;
    const int target = id[h];
    return std::any_of(done.begin(), done.end(),
                       [&](const std::pair<int, op>& d) { return d.first == target; });
}

bool is_state(const std::string* v, const char* state) {
    return v && v->rfind(state, 0) == 0;
}

//! The README item a finding falls under (README.md, "Where ksock differs
//! from Linux"), or "". Each rule is narrow: it names the call and the
//! observation the item speaks of.
std::string documented(const sequence& s, const finding& f, const step_obs& kernel) {
    const step& st = s.steps[f.step];
    const std::string self = handle_kind(s, f.step, st.h);
    const auto dot = f.key.find('.');
    const std::string what = dot == std::string::npos ? f.key : f.key.substr(dot + 1);
    const std::string probed = dot == std::string::npos
                                   ? self
                                   : handle_kind(s, f.step, std::stoi(f.key.substr(1, dot - 1)));
    const auto& items = documented_items();
    const int probed_h = dot == std::string::npos ? st.h : std::stoi(f.key.substr(1, dot - 1));
    const std::string* kstate = value_of(kernel, "h" + std::to_string(probed_h) + ".tcp");
    // Capacities: ksock's pools and fd table are fixed.
    if (f.ksock == "-ENFILE" || f.ksock == "-ENOMEM" || f.ksock == "-EMFILE")
        return items[0];
    // The receive window is SO_RCVBUF, without autotuning: a large TCP send
    // fills it at another byte count, and everything queued differs after.
    bool big_tcp_send = false;
    for (std::size_t i = 0; i <= f.step; ++i)
        big_tcp_send |= sends(s.steps[i].o) && s.steps[i].data.size() >= 60000 &&
                        handle_kind(s, i, s.steps[i].h) == "tcp";
    if (big_tcp_send && (self == "tcp" || probed == "tcp") &&
        (what == "ret" || what == "data" || what == "inq" || what == "outq" || what == "poll"))
        return items[1];
    if (st.o == op::getsockopt_int && st.a == SOL_SOCKET && st.b == SO_RCVBUF && self == "tcp")
        return items[1];
    // ... nor the scaling ratio Linux learns from the data it receives
    // (tcp_measure_rcv_mss): the receiver's window clamp (TCP_WINDOW_CLAMP)
    // moves with it, the window a receiver of data offers grows past the
    // 64 KB ksock offers, and with it the sender's max_window, which
    // TCP_MAXSEG (half of it) and a disconnect's write_seq jump
    // (max_window + 2, SIOCOUTQ) show.
    bool tcp_data_sent = false;
    for (std::size_t i = 0; i < f.step; ++i)
        tcp_data_sent |= sends(s.steps[i].o) && !s.steps[i].data.empty() &&
                         handle_kind(s, i, s.steps[i].h) == "tcp";
    if (tcp_data_sent && self == "tcp" && is_int(f.kernel) && is_int(f.ksock) &&
        st.o == op::getsockopt_int && st.a == IPPROTO_TCP && st.b == TCP_WINDOW_CLAMP &&
        what == "val")
        return items[1];
    if (tcp_data_sent && self == "tcp" && is_int(f.kernel) && is_int(f.ksock) &&
        std::stoll(f.kernel) > std::stoll(f.ksock) &&
        ((st.o == op::getsockopt_int && st.a == IPPROTO_TCP && st.b == TCP_MAXSEG &&
          what == "val") ||
         (st.o == op::connect && what == "outq" && std::stoll(f.ksock) > 65536)))
        return items[1];
    // UDP corking is not modelled.
    for (std::size_t i = 0; i <= f.step; ++i) {
        const step& p = s.steps[i];
        const bool udp = handle_kind(s, i, p.h) == "udp";
        if (udp && ((sends(p.o) && (p.a & MSG_MORE)) ||
                    (p.o == op::setsockopt_int && p.a == IPPROTO_UDP && p.b == UDP_CORK && p.c)))
            return items[2];
    }
    // IP_RECVERR queues nothing: MSG_ERRQUEUE reads EAGAIN, and no queued
    // error keeps POLLERR up once SO_ERROR was read.
    if (recvs(st.o) && (st.a & MSG_ERRQUEUE) && (self == "udp" || self == "tcp"))
        return items[3];
    if (what == "poll" && probed == "udp" && f.kernel.find("ERR") != std::string::npos)
        for (std::size_t i = 0; i < f.step; ++i) {
            const step& p = s.steps[i];
            if (p.o == op::setsockopt_int && p.a == IPPROTO_IP && p.b == IP_RECVERR && p.c)
                return items[3];
        }
    // Control messages on PF_INET sockets are neither read nor written.
    const bool inet = self == "udp" || self == "tcp" || self == "inet";
    if ((st.o == op::recvmsg_cmsg || st.o == op::sendmsg_cmsg) && (self == "udp" || self == "tcp"))
        return items[4];
    // ... so a datagram read with IP_PKTINFO on and no room for its cmsg
    // does not set MSG_CTRUNC (ip_cmsg_recv's put_cmsg does on Linux).
    if (recvs(st.o) && inet && what == "msg_flags" &&
        f.kernel.find("MSG_CTRUNC") != std::string::npos &&
        f.ksock.find("MSG_CTRUNC") == std::string::npos)
        for (std::size_t i = 0; i < f.step; ++i) {
            const step& p = s.steps[i];
            if (p.o == op::setsockopt_int && p.a == IPPROTO_IP && p.b == IP_PKTINFO && p.c)
                return items[4];
        }
    // The shared skb pool: ENOBUFS on a PF_UNIX send, or a shorter one
    // where Linux's own send buffer still takes the data; what is queued
    // differs after it.
    if (sends(st.o) && f.ksock == "-ENOBUFS" && self.rfind("unix", 0) == 0)
        return items[5];
    bool big_unix_send = false;
    for (std::size_t i = 0; i <= f.step; ++i)
        big_unix_send |= sends(s.steps[i].o) && s.steps[i].data.size() >= 60000 &&
                         handle_kind(s, i, s.steps[i].h).rfind("unix", 0) == 0;
    if (big_unix_send && (self.rfind("unix", 0) == 0 || probed.rfind("unix", 0) == 0) &&
        (what == "ret" || what == "data" || what == "inq" || what == "outq" || what == "poll"))
        return items[5];
    // ... and TCP's writer, which stops while half the pool is in use (a
    // segment over lo takes its chunks twice): EAGAIN, or a socket not
    // writable, where Linux's own send buffer takes the data.
    if (big_unix_send && (self == "tcp" || probed == "tcp") &&
        ((what == "ret" && f.ksock == "-EAGAIN") || what == "poll" || what == "outq" ||
         what == "inq"))
        return items[5];
    // unix_gc runs when a file reference goes while sockets are in flight;
    // Linux's collector runs later. Either the step closes a socket that
    // was passed, or it is a receive on a PF_UNIX socket (which puts the
    // files of a message it cannot install) or a send to one after a
    // passed socket's last fd went: then only messages in flight held that
    // socket, alive on Linux, collected on ksock.
    if (closes_passed(s, f.step, f.step) ||
        ((recvs(st.o) || sends(st.o)) && self.rfind("unix", 0) == 0 &&
         passed_then_closed(s, f.step)))
        return items[7];
    // The reference host's sandbox, not Linux: listen() on a TCP socket
    // that ever connected, and connect() on one that ever listened, fail
    // with EINVAL there, even after a disconnect (connect(AF_UNSPEC), or
    // shutdown of a listener) made the socket unconnected again.
    if (what == "ret" && self == "tcp" && f.kernel == "-EINVAL" && f.ksock != "-EINVAL" &&
        ((st.o == op::listen && socket_did(s, f.step, st.h, op::connect)) ||
         (st.o == op::connect && socket_did(s, f.step, st.h, op::listen))))
        return items[8];
    // Wall-clock timing: Linux's delayed-ACK timer sends the ACK of a FIN
    // that came without data a jiffy later, while the harness is between
    // steps; ksock's clock moves only with the sequence's sleeps, so its ACK
    // is still owed (the FIN's sender one state behind, SIOCOUTQ 1).
    // (And the other way round: a jiffy of Linux's HZ is up to 4 ms, so a
    // sleep of 1 or 2 ms may end before it; ksock's jiffy is 1 ms.)
    auto acked_pair = [](const std::string& a, const std::string& b) {
        return (is_state(&a, "FIN_WAIT2") && is_state(&b, "FIN_WAIT1")) ||
               (is_state(&a, "TIME_WAIT") && is_state(&b, "CLOSING")) ||
               (is_state(&a, "CLOSE") && is_state(&b, "LAST_ACK"));
    };
    const bool sleep_step = st.o == op::sleep;
    // (A handle whose slot once held another kind still shows its TCP
    // state: a "tcp" field is only ever a TCP socket's.)
    if ((probed == "tcp" || what == "tcp") &&
        ((what == "tcp" &&
          (acked_pair(f.kernel, f.ksock) || (sleep_step && acked_pair(f.ksock, f.kernel)))) ||
         (what == "outq" && f.kernel == "0" && f.ksock == "1" &&
          (is_state(kstate, "FIN_WAIT2") || is_state(kstate, "TIME_WAIT") ||
           is_state(kstate, "CLOSE"))) ||
         (what == "outq" && sleep_step && f.kernel == "1" && f.ksock == "0" &&
          (is_state(kstate, "FIN_WAIT1") || is_state(kstate, "CLOSING") ||
           is_state(kstate, "LAST_ACK")))))
        return items[9];
    // The delayed ACK of data (ato 40 ms at first) against a sleep a few
    // milliseconds longer: ksock's virtual clock runs the timer within the
    // sleep, Linux's wall-clock timer fires late on a loaded host, so the
    // sender still counts its bytes unacknowledged.
    if (sleep_step && st.a >= 40 && st.a <= 60 && probed == "tcp" && what == "outq" &&
        is_int(f.kernel) && f.ksock == "0" && std::stoll(f.kernel) > 0)
        return items[9];
    // ... and the FIN's receiver, which enters pingpong mode (TCP_QUICKACK
    // 0) until that timer fires and leaves it: the kernel reads 1 where
    // ksock still reads 0 (over a 2-byte optlen too, the low half one more).
    if (what == "val" && self == "tcp" && st.o == op::getsockopt_int && st.a == IPPROTO_TCP &&
        st.b == TCP_QUICKACK && is_state(kstate, "CLOSE_WAIT") && is_int(f.kernel) &&
        is_int(f.ksock) && std::stoll(f.kernel) - std::stoll(f.ksock) == 1)
        return items[9];
    // Send memory: ksock charges a queued skb its whole chunk
    // (Config::skb_data_size), Linux the bytes and a header; under a send
    // buffer the user made small, a socket holding unsent (corked) bytes is
    // writable on Linux and not on ksock.
    bool small_sndbuf = false;
    for (std::size_t i = 0; i <= f.step; ++i)
        small_sndbuf |= s.steps[i].o == op::setsockopt_int && s.steps[i].a == SOL_SOCKET &&
                        (s.steps[i].b == SO_SNDBUF || s.steps[i].b == SO_SNDBUFFORCE) &&
                        s.steps[i].c < 8192 && handle_kind(s, i, s.steps[i].h) == "tcp";
    if (small_sndbuf && probed == "tcp" && what == "poll" &&
        f.kernel.find("OUT") != std::string::npos && f.ksock.find("OUT") == std::string::npos)
        return items[10];
    // connect's ephemeral port: Linux shares one across peers, ksock does not.
    static const std::regex eph(".*:E[0-9]+.*");
    if ((what == "name" || what == "addr" || what == "peer") && f.kernel != f.ksock &&
        std::regex_match(f.kernel, eph) && std::regex_match(f.ksock, eph) &&
        value_kind(what, f.kernel) == value_kind(what, f.ksock))
        return items[6];
    return "";
}

std::string signature(const sequence& s, const finding& f) {
    const step& st = s.steps[f.step];
    std::string sig = op_name(st) + "[" + handle_kind(s, f.step, st.h) + "] ";
    const auto dot = f.key.find('.');
    std::string what = f.key;
    if (dot != std::string::npos) {
        const int h = std::stoi(f.key.substr(1, dot - 1));
        what = f.key.substr(dot + 1);
        sig += (h == st.h ? "self" : "other") + std::string("[") + handle_kind(s, f.step, h) +
               "]." + what;
    } else {
        sig += what;
    }
    std::string kk = value_kind(what, f.kernel), vk = value_kind(what, f.ksock);
    if (kk == vk) {
        if (is_int(f.kernel) && is_int(f.ksock))
            kk += std::stoll(f.kernel) > std::stoll(f.ksock) ? " (larger)" : " (smaller)";
        else
            vk += " (another)";
    }
    return sig + ": kernel " + kk + " / ksock " + vk;
}

} // namespace

const std::vector<std::string>& documented_items() {
    static const std::vector<std::string> v = {
        "capacities are fixed (ENFILE, ENOMEM, EMFILE)",
        "TCP receive window is SO_RCVBUF without autotuning or receive scaling (send byte "
        "counts, SO_RCVBUF, windows once data flowed)",
        "UDP corking (MSG_MORE, UDP_CORK) is not modelled",
        "IP_RECVERR queues nothing (MSG_ERRQUEUE reads EAGAIN)",
        "control messages on PF_INET sockets are neither read nor written",
        "the shared skb pool: running out is ENOBUFS on a PF_UNIX send, and TCP's writer "
        "stops while half of it is in use",
        "Linux lets connect share an ephemeral port across peers",
        "unix_gc collects sockets in flight when the last fd goes (Linux: later)",
        "the reference host's sandbox refuses listen() after connect() and connect() after "
        "listen() (EINVAL; upstream Linux does not)",
        "wall-clock timing: Linux's delayed ACK fires between steps, and late under load "
        "(ksock's clock moves with sleeps only)",
        "a queued TCP skb is charged its whole chunk (a small SO_SNDBUF holding corked bytes "
        "is not writable)"};
    return v;
}

verdict check(const sequence& s, int& next_index) {
    verdict v;
    backend& kb = kernel_side();
    const int first_index = take_index(next_index);
    v.kernel.push_back(run_on(kb, s, first_index));
    v.kernel.push_back(run_on(kb, s, take_index(next_index)));
    auto same = [](const seq_obs& a, const seq_obs& b) {
        if (a.steps.size() != b.steps.size())
            return false;
        for (std::size_t i = 0; i < a.steps.size(); ++i) {
            const auto& x = a.steps[i].fields;
            const auto& y = b.steps[i].fields;
            if (x.size() != y.size())
                return false;
            for (std::size_t k = 0; k < x.size(); ++k)
                if (x[k].key != y[k].key || x[k].value != y[k].value)
                    return false;
        }
        return true;
    };
    if (!same(v.kernel[0], v.kernel[1]))
        while (v.kernel.size() < 4)
            v.kernel.push_back(run_on(kb, s, take_index(next_index)));
    v.kernel_runs = static_cast<int>(v.kernel.size());
    v.ksock = run_on(ksock_side(), s, first_index);

    for (std::size_t i = 0; i < s.steps.size() && i < v.ksock.steps.size(); ++i) {
        // Keys in the order the kernel's first run shows them, then any
        // only another run or ksock has.
        std::vector<std::string> keys;
        auto add_keys = [&](const step_obs& st) {
            for (const field& f : st.fields)
                if (std::find(keys.begin(), keys.end(), f.key) == keys.end())
                    keys.push_back(f.key);
        };
        for (const seq_obs& k : v.kernel)
            add_keys(k.steps[i]);
        add_keys(v.ksock.steps[i]);
        for (const std::string& key : keys) {
            ++v.comparisons;
            std::vector<std::string> kv;
            for (const seq_obs& k : v.kernel) {
                const std::string* x = value_of(k.steps[i], key);
                const std::string val = x ? *x : "(absent)";
                if (std::find(kv.begin(), kv.end(), val) == kv.end())
                    kv.push_back(val);
            }
            const std::string* y = value_of(v.ksock.steps[i], key);
            const std::string sv = y ? *y : "(absent)";
            if (kv.size() > 1) {
                ++v.nondet;
                if (v.nondet_example.empty()) {
                    v.nondet_example = v.ksock.steps[i].call + ": " + key + " =";
                    for (const std::string& x : kv)
                        v.nondet_example += " " + x + " |";
                    v.nondet_example.pop_back();
                }
            }
            if (std::find(kv.begin(), kv.end(), sv) != kv.end())
                continue;
            ++v.differing;
            finding f;
            f.step = i;
            f.call = v.ksock.steps[i].call;
            f.key = key;
            f.kernel = kv[0];
            f.ksock = sv;
            if (kv.size() > 1) {
                if (!v.nondet_unmatched) {
                    for (std::size_t x = 1; x < kv.size(); ++x)
                        f.kernel += " | " + kv[x];
                    v.nondet_unmatched = f;
                }
                continue;
            }
            if (v.first)
                continue;
            f.signature = signature(s, f);
            f.documented = documented(s, f, v.kernel[0].steps[i]);
            v.first = f;
        }
    }
    return v;
}

} // namespace ksock_random
