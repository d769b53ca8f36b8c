// test/differential/packet/runner.cpp: the interpreter. Times: an absolute
// time is from the script's start; a relative one ("+0.1") is from the
// moment the previous event really happened (the arrival of the previous
// outbound packet, the injection of the previous inbound one, the return of
// the previous call), so a late packet does not shift the rest of the
// script. Sequence numbers: inbound seq and outbound ack are relative to the
// script's ISN; outbound seq and inbound ack (and inbound SACK blocks)
// relative to the host's ISN, learned from its SYN or SYN-ACK. Timestamps:
// the script's TS val goes out as written; the host's TS val is compared
// after subtracting the offset learned from its SYN (within the timing
// tolerance), and an inbound TS ecr gets that offset added.
#include "runner.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "tcp_info.hpp"
#include "wire.hpp"

namespace ksock_packet {

namespace {

//! The script's ISN: its relative sequence 0.
constexpr std::uint32_t script_isn = 1000000;

struct failed {
    std::string message;
    bool timing = false;
};

std::string secs(usec t) {
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(3);
    o << static_cast<double>(t) / 1e6;
    return o.str();
}

class interpreter {
public:
    interpreter(const script& s, backend& b, const run_options& o) : s_(s), b_(b), opt_(o) {
        if (s.tolerance)
            opt_.tolerance = *s.tolerance;
    }

    void run() {
        b_.start();
        for (const event& ev : s_.events) {
            line_ = ev.line;
            check_pending(false);
            switch (ev.k) {
            case event::kind::packet:
                if (ev.pkt.inbound)
                    inbound(ev);
                else
                    expect_outbound(ev);
                break;
            case event::kind::call:
                call(ev);
                break;
            case event::kind::check:
                check(ev);
                break;
            }
        }
        check_pending(true);
        // Nothing more may come out while the tolerance runs.
        const usec end = b_.now() + opt_.tolerance;
        while (b_.now() < end) {
            if (auto p = b_.pop_outbound()) {
                const decoded d = parse_ipv4(p->bytes.data(), p->bytes.size());
                if (!d.ipv4)
                    continue;
                throw failed{"after the last line: unexpected packet " + describe(d, *p)};
            }
            b_.run_until(end);
        }
    }

    run_counts counts;

    //! For a script's author: what the host sends in the next `span`.
    void trace_rest(usec span) {
        const usec end = b_.now() + span;
        while (b_.now() < end) {
            while (auto p = b_.pop_outbound()) {
                const decoded d = parse_ipv4(p->bytes.data(), p->bytes.size());
                if (d.ipv4)
                    std::fprintf(stderr, "%s after the failure: %s\n", secs(p->t).c_str(),
                                 describe(d, *p).c_str());
            }
            b_.run_until(end);
        }
    }

private:
    // --- time --------------------------------------------------------------------------
    struct window {
        usec lo, hi;
        bool any;
    };
    usec resolve(const time_point& tp, usec base) const {
        return tp.k == time_point::kind::relative ? base + tp.value : tp.value;
    }
    //! A relative time counts from the previous event; when that was a call,
    //! from anywhere between its start and its return (what it sends, it
    //! sends while it runs).
    window when(const timing& t) const {
        if (t.start.k == time_point::kind::any)
            return {last_, last_ + opt_.max_wait, true};
        const usec lo = resolve(t.start, last_lo_);
        const usec hi = t.range_end ? resolve(*t.range_end, last_) : resolve(t.start, last_);
        if (hi < lo)
            fail("a time range that ends before it starts");
        return {lo, hi, false};
    }
    //! How late a timer may fire beyond the tolerance: slack_per_mille of
    //! the time since the previous event (the host's timer wheel rounds a
    //! timeout up by up to 1/8 of it).
    usec late_slack(usec t) const {
        return t > last_ ? (t - last_) * opt_.slack_per_mille / 1000 : 0;
    }
    void wait_until(usec t) {
        while (b_.now() < t)
            b_.run_until(t);
    }

    [[noreturn]] void fail(const std::string& m, bool timing = false) const {
        throw failed{"line " + std::to_string(line_) + ": " + m, timing};
    }

    // --- inbound segments ------------------------------------------------------------------
    void inbound(const event& ev) {
        const window w = when(ev.when);
        wait_until(w.lo);
        const segment& sg = ev.pkt;
        if (!lport_)
            fail("the host's port is not known yet (no bind(), no SYN from the host)");
        wire_tcp t;
        t.src_ip = remote_ip;
        t.dst_ip = local_ip;
        t.src_port = remote_port;
        t.dst_port = lport_;
        t.seq = script_isn + sg.seq;
        t.ack = sg.ack ? host_isn_ + *sg.ack : 0;
        t.flags = sg.flags;
        t.win = static_cast<std::uint16_t>(*sg.win);
        t.urg = static_cast<std::uint16_t>(sg.urg.value_or(0));
        t.df = true;
        t.tos = sg.ecn.value_or(0);
        if (sg.options)
            for (tcp_option o : *sg.options) {
                if (o.k == tcp_option::kind::sack)
                    for (auto& [l, r] : o.blocks) {
                        l += host_isn_;
                        r += host_isn_;
                    }
                if (o.k == tcp_option::kind::timestamp && ts_offset_)
                    o.b += *ts_offset_;
                t.options.push_back(std::move(o));
            }
        t.payload.resize(sg.len);
        for (std::size_t i = 0; i < t.payload.size(); ++i)
            t.payload[i] = static_cast<std::uint8_t>('a' + (sg.seq + i) % 26);
        b_.inject(build_ipv4(t));
        ++counts.packets_in;
        last_ = last_lo_ = b_.now();
        last_epoch_ = b_.epoch();
        last_line_ = ev.line;
    }

    // --- outbound segments ------------------------------------------------------------------
    std::string describe(const decoded& d, const outbound& p) const {
        if (!d.error.empty())
            return "(malformed: " + d.error + ") at " + secs(p.t);
        if (!d.tcp)
            return "(IPv4, not TCP) at " + secs(p.t);
        return "`" + to_string(relative(d.seg)) + "` at " + secs(p.t);
    }

    //! A host segment as the script would write it.
    segment relative(const wire_tcp& w) const {
        segment s;
        s.inbound = false;
        s.flags = w.flags;
        s.seq = w.seq - host_isn_;
        s.len = static_cast<std::uint32_t>(w.payload.size());
        if (w.flags & tcp_flag::ack)
            s.ack = w.ack - script_isn;
        s.win = w.win;
        if (w.tos & 3) // (Not-ECT, the usual, is left unwritten)
            s.ecn = static_cast<std::uint8_t>(w.tos & 3);
        if (w.flags & tcp_flag::urg)
            s.urg = w.urg;
        if (!w.options.empty()) {
            std::vector<tcp_option> opts = w.options;
            for (auto& o : opts) {
                if (o.k == tcp_option::kind::sack)
                    for (auto& [l, r] : o.blocks) {
                        l -= script_isn;
                        r -= script_isn;
                    }
                if (o.k == tcp_option::kind::timestamp && ts_offset_)
                    o.a -= *ts_offset_;
            }
            s.options = std::move(opts);
        }
        return s;
    }

    void expect_outbound(const event& ev) {
        const window w = when(ev.when);
        const usec deadline = w.hi + opt_.tolerance + late_slack(w.hi);
        std::optional<outbound> p;
        decoded d;
        for (;;) {
            p = b_.pop_outbound();
            if (p) {
                d = parse_ipv4(p->bytes.data(), p->bytes.size());
                if (!d.ipv4)
                    continue; // not IPv4: nothing a script speaks of
                break;
            }
            if (b_.now() >= deadline)
                fail("expected `" + ev.text + "` at " + secs(w.lo) +
                         (w.hi - w.lo >= 1000 ? "~" + secs(w.hi) : "") + ", nothing sent by " +
                         secs(deadline),
                     true);
            b_.run_until(deadline);
        }
        ++counts.packets_out;
        const std::string got = describe(d, *p);
        if (!d.error.empty() || !d.tcp)
            fail("expected `" + ev.text + "`, got " + got);
        const wire_tcp& g = d.seg;
        const segment& e = ev.pkt;
        auto mismatch = [&](const std::string& what) {
            fail(what + ": expected `" + ev.text + "`, got " + describe(d, *p));
        };
        ++counts.comparisons;
        if (g.src_ip != local_ip || g.dst_ip != remote_ip)
            mismatch("addresses " + ip_to_string(g.src_ip) + " > " + ip_to_string(g.dst_ip));
        if (g.dst_port != remote_port)
            mismatch("destination port " + std::to_string(g.dst_port));
        if (!lport_)
            lport_ = g.src_port;
        else if (g.src_port != lport_)
            mismatch("source port " + std::to_string(g.src_port) + " (the connection's is " +
                     std::to_string(lport_) + ")");
        // A SYN from the host names its ISN and its timestamp clock.
        if ((g.flags & tcp_flag::syn) && (e.flags & tcp_flag::syn) && e.seq == 0) {
            host_isn_ = g.seq;
            for (const auto& o : g.options)
                if (o.k == tcp_option::kind::timestamp && e.options)
                    for (const auto& eo : *e.options)
                        if (eo.k == tcp_option::kind::timestamp)
                            ts_offset_ = o.a - eo.a;
        }
        const segment r = relative(g);
        ++counts.comparisons;
        if (r.flags != e.flags)
            mismatch("flags");
        ++counts.comparisons;
        if (r.seq != e.seq || r.len != e.len)
            mismatch("sequence range");
        if (e.ack) {
            ++counts.comparisons;
            if (!r.ack || *r.ack != *e.ack)
                mismatch("ack");
        }
        if (e.win) {
            ++counts.comparisons;
            if (*r.win != *e.win)
                mismatch("window");
        }
        if (e.urg) {
            ++counts.comparisons;
            if (!r.urg || *r.urg != *e.urg)
                mismatch("urgent pointer");
        }
        if (e.ecn) {
            ++counts.comparisons;
            if ((g.tos & 3) != *e.ecn)
                mismatch("ECN codepoint");
        }
        if (!e.any_options) {
            ++counts.comparisons;
            static const std::vector<tcp_option> none;
            const auto& eo = e.options ? *e.options : none;
            const auto& go = r.options ? *r.options : none;
            if (eo.size() != go.size())
                mismatch("options");
            for (std::size_t i = 0; i < eo.size(); ++i) {
                const tcp_option& x = eo[i];
                const tcp_option& y = go[i];
                if (x.k != y.k)
                    mismatch("options");
                switch (x.k) {
                case tcp_option::kind::mss:
                case tcp_option::kind::wscale:
                    if (x.a != y.a)
                        mismatch("options");
                    break;
                case tcp_option::kind::sack:
                    if (x.blocks != y.blocks)
                        mismatch("SACK blocks");
                    break;
                case tcp_option::kind::timestamp: {
                    if (x.b != y.b)
                        mismatch("TS ecr");
                    // The host's clock ticks in milliseconds.
                    const std::int64_t diff =
                        static_cast<std::int32_t>(y.a - x.a); // y.a is offset-adjusted
                    if (std::abs(diff) > opt_.tolerance / 1000 + 2)
                        mismatch("TS val (" + std::to_string(diff) + " ms off)");
                    break;
                }
                default:
                    break;
                }
            }
        }
        // Causality: a packet sent before the previous inbound packet or call
        // ran cannot be its consequence.
        if (p->epoch < last_epoch_)
            fail("`" + ev.text + "` was sent before line " + std::to_string(last_line_) +
                 " ran (at " + secs(p->t) + ")");
        ++counts.comparisons;
        const usec late = opt_.tolerance + late_slack(w.hi);
        if (!w.any && (p->t < w.lo - opt_.tolerance || p->t > w.hi + late))
            fail("`" + ev.text + "` expected at " + secs(w.lo) +
                     (w.hi - w.lo >= 1000 ? "~" + secs(w.hi) : "") + ", sent at " + secs(p->t) +
                     " (tolerance -" + secs(opt_.tolerance) + " +" + secs(late) + ")",
                 true);
        last_ = last_lo_ = p->t;
        if (opt_.trace)
            std::fprintf(stderr, "%s line %d: %s\n", secs(p->t).c_str(), line_,
                         describe(d, *p).c_str());
    }

    // --- system calls ------------------------------------------------------------------------
    std::int64_t int_arg(const syscall& c, std::size_t i, const char* what) const {
        const value& v = c.args.at(i);
        if (v.k == value::kind::array && v.elems.size() == 1 &&
            v.elems[0].k == value::kind::integer)
            return v.elems[0].n;
        if (v.k != value::kind::integer)
            fail(c.name + "(): " + what + " must be an integer");
        return v.n;
    }
    void need_ellipsis(const syscall& c, std::size_t i) const {
        if (c.args.at(i).k != value::kind::ellipsis)
            fail(c.name + "(): argument " + std::to_string(i + 1) +
                 " is written '...' (addresses and buffers are the harness's)");
    }

    static std::vector<std::uint8_t> int_bytes(std::int64_t n) {
        const int v = static_cast<int>(n);
        std::vector<std::uint8_t> b(sizeof v);
        std::memcpy(b.data(), &v, sizeof v);
        return b;
    }

    std::int64_t field(const syscall& c, const value& v, const std::string& name) const {
        for (std::size_t i = 0; i < v.names.size(); ++i)
            if (const value& fv = v.elems[i]; v.names[i] == name) {
                if (fv.k != value::kind::integer)
                    fail(c.name + "(): field " + name + " must be an integer");
                return fv.n;
            }
        fail(c.name + "(): the struct needs a field " + name);
    }

    std::vector<std::uint8_t> optval_bytes(const syscall& c, const value& v) const {
        switch (v.k) {
        case value::kind::integer:
            return int_bytes(v.n);
        case value::kind::array:
            if (v.elems.size() == 1 && v.elems[0].k == value::kind::integer)
                return int_bytes(v.elems[0].n);
            fail(c.name + "(): an option value [v] holds one integer");
        case value::kind::string:
            return {v.s.begin(), v.s.end()};
        case value::kind::structure: {
            std::vector<std::uint8_t> b;
            if (v.names.size() == 2 && v.names[0] == "onoff") {
                const linger l{static_cast<int>(field(c, v, "onoff")),
                               static_cast<int>(field(c, v, "linger"))};
                b.resize(sizeof l);
                std::memcpy(b.data(), &l, sizeof l);
            } else if (v.names.size() == 2 && v.names[0] == "tv_sec") {
                const timeval t{static_cast<time_t>(field(c, v, "tv_sec")),
                                static_cast<suseconds_t>(field(c, v, "tv_usec"))};
                b.resize(sizeof t);
                std::memcpy(b.data(), &t, sizeof t);
            } else {
                fail(c.name + "(): known structs are {onoff, linger} and {tv_sec, tv_usec}");
            }
            return b;
        }
        case value::kind::ellipsis:
            break;
        }
        fail(c.name + "(): this option value cannot be '...'");
    }

    sys_call make_call(const syscall& c) {
        sys_call k;
        auto fd = [&] { return static_cast<int>(int_arg(c, 0, "the descriptor")); };
        const std::string& n = c.name;
        if (n == "socket") {
            k.o = sys_call::op::socket;
            k.a = c.args[0].k == value::kind::ellipsis ? AF_INET : int_arg(c, 0, "the domain");
            k.b = int_arg(c, 1, "the type");
            k.c = int_arg(c, 2, "the protocol");
        } else if (n == "bind" || n == "connect") {
            k.o = n == "bind" ? sys_call::op::bind : sys_call::op::connect;
            k.fd = fd();
            need_ellipsis(c, 1);
            need_ellipsis(c, 2);
            k.addr.sin_family = AF_INET;
            k.addr.sin_addr.s_addr = htonl(n == "bind" ? local_ip : remote_ip);
            k.addr.sin_port = htons(n == "bind" ? local_port : remote_port);
        } else if (n == "listen") {
            k.o = sys_call::op::listen;
            k.fd = fd();
            k.a = int_arg(c, 1, "the backlog");
        } else if (n == "accept" || n == "accept4") {
            k.o = sys_call::op::accept;
            k.fd = fd();
            need_ellipsis(c, 1);
            need_ellipsis(c, 2);
            if (n == "accept4")
                k.a = int_arg(c, 3, "the flags");
        } else if (n == "setsockopt") {
            k.o = sys_call::op::setsockopt;
            k.fd = fd();
            k.a = int_arg(c, 1, "the level");
            k.b = int_arg(c, 2, "the option");
            k.data = optval_bytes(c, c.args[3]);
            k.len = static_cast<std::size_t>(int_arg(c, 4, "the length"));
            if (k.data.size() < k.len)
                k.data.resize(k.len);
        } else if (n == "getsockopt") {
            k.o = sys_call::op::getsockopt;
            k.fd = fd();
            k.a = int_arg(c, 1, "the level");
            k.b = int_arg(c, 2, "the option");
            if (c.args[4].k != value::kind::array || c.args[4].elems.size() != 1)
                fail("getsockopt(): the length is written [n] (in, and expected out)");
            k.len = static_cast<std::size_t>(int_arg(c, 4, "the length"));
        } else if (n == "write" || n == "send") {
            k.o = n == "write" ? sys_call::op::write : sys_call::op::send;
            k.fd = fd();
            need_ellipsis(c, 1);
            k.len = static_cast<std::size_t>(int_arg(c, 2, "the length"));
            k.data.resize(k.len);
            for (std::size_t i = 0; i < k.len; ++i)
                k.data[i] = static_cast<std::uint8_t>('A' + i % 26);
            if (n == "send")
                k.a = int_arg(c, 3, "the flags");
        } else if (n == "read" || n == "recv") {
            k.o = n == "read" ? sys_call::op::read : sys_call::op::recv;
            k.fd = fd();
            need_ellipsis(c, 1);
            k.len = static_cast<std::size_t>(int_arg(c, 2, "the length"));
            if (n == "recv")
                k.a = int_arg(c, 3, "the flags");
        } else if (n == "close") {
            k.o = sys_call::op::close;
            k.fd = fd();
        } else if (n == "shutdown") {
            k.o = sys_call::op::shutdown;
            k.fd = fd();
            k.a = int_arg(c, 1, "how");
        } else if (n == "poll") {
            k.o = sys_call::op::poll;
            const value& arr = c.args[0];
            if (arr.k != value::kind::array)
                fail("poll(): the first argument is [{fd=N, events=..., revents=...}, ...]");
            for (const value& e : arr.elems) {
                if (e.k != value::kind::structure)
                    fail("poll(): each element is {fd=N, events=..., revents=...}");
                pollfd p{};
                p.fd = static_cast<int>(field(c, e, "fd"));
                p.events = static_cast<short>(field(c, e, "events"));
                k.fds.push_back(p);
            }
            if (int_arg(c, 1, "nfds") != static_cast<std::int64_t>(k.fds.size()))
                fail("poll(): nfds is not the length of the array");
            k.a = int_arg(c, 2, "the timeout");
        } else if (n == "fcntl") {
            k.o = sys_call::op::fcntl;
            k.fd = fd();
            k.a = int_arg(c, 1, "the command");
            if (c.args.size() == 3)
                k.b = int_arg(c, 2, "the argument");
        } else if (n == "ioctl") {
            k.o = sys_call::op::ioctl;
            k.fd = fd();
            k.a = int_arg(c, 1, "the request");
        } else if (n == "getsockname" || n == "getpeername") {
            k.o = n == "getsockname" ? sys_call::op::getsockname : sys_call::op::getpeername;
            k.fd = fd();
        } else {
            fail("unknown call " + n);
        }
        return k;
    }

    std::string result_text(const sys_result& r) const {
        return r.ret == -1 ? "-1 " + errno_name(r.err) + " (" + std::strerror(r.err) + ")"
                           : std::to_string(r.ret);
    }

    //! Compares a returned call with what the script wrote.
    void compare(const syscall& c, const sys_call& k, const sys_result& r) {
        auto bad = [&](const std::string& what) {
            fail("`" + c.text + "`: " + what + "; it returned " + result_text(r));
        };
        ++counts.comparisons;
        if (c.ret.k == value::kind::integer) {
            if (r.ret != c.ret.n)
                bad("expected " + std::to_string(c.ret.n) +
                    (c.err ? " " + errno_name(c.err) : std::string()));
            if (c.ret.n == -1 && r.err != c.err)
                bad("expected errno " + errno_name(c.err));
        }
        if (k.o == sys_call::op::connect)
            conn_fd_ = k.fd; // also when it is in progress
        if (r.ret < 0)
            return;
        if (k.o == sys_call::op::accept)
            conn_fd_ = static_cast<int>(r.ret);
        if (k.o == sys_call::op::bind)
            lport_ = local_port;
        if (k.o == sys_call::op::getsockopt) {
            const value& v = c.args[3];
            ++counts.comparisons;
            const std::int64_t want_len = c.args[4].elems[0].n;
            if (static_cast<std::int64_t>(r.len) != want_len)
                bad("optlen came back " + std::to_string(r.len) + ", expected " +
                    std::to_string(want_len));
            if (v.k == value::kind::array || v.k == value::kind::integer) {
                const std::int64_t want = v.k == value::kind::array ? v.elems.at(0).n : v.n;
                int got = 0;
                std::memcpy(&got, r.data.data(), std::min<std::size_t>(r.data.size(), sizeof got));
                ++counts.comparisons;
                if (got != want)
                    bad("option value " + std::to_string(got) + ", expected " +
                        std::to_string(want));
            } else if (v.k == value::kind::string) {
                const std::string got(
                    reinterpret_cast<const char*>(r.data.data()),
                    strnlen(reinterpret_cast<const char*>(r.data.data()), r.data.size()));
                ++counts.comparisons;
                if (got != v.s)
                    bad("option value \"" + got + "\", expected \"" + v.s + "\"");
            } else if (v.k == value::kind::structure) {
                const std::vector<std::uint8_t> want = optval_bytes(c, v);
                ++counts.comparisons;
                if (r.data.size() < want.size() ||
                    std::memcmp(r.data.data(), want.data(), want.size()) != 0)
                    bad("option struct differs");
            }
        }
        if (k.o == sys_call::op::ioctl && c.args[2].k != value::kind::ellipsis) {
            const std::int64_t want = int_arg(c, 2, "the value");
            int got = 0;
            std::memcpy(&got, r.data.data(), sizeof got);
            ++counts.comparisons;
            if (got != want)
                bad("ioctl value " + std::to_string(got) + ", expected " + std::to_string(want));
        }
        if (k.o == sys_call::op::poll) {
            const value& arr = c.args[0];
            for (std::size_t i = 0; i < r.fds.size(); ++i) {
                ++counts.comparisons;
                const std::int64_t want = field(c, arr.elems[i], "revents");
                if (r.fds[i].revents != want)
                    bad(
                        "revents of fd " + std::to_string(r.fds[i].fd) + " are 0x" +
                        [&] {
                            std::ostringstream o;
                            o << std::hex << r.fds[i].revents;
                            return o.str();
                        }() +
                        ", expected 0x" +
                        [&] {
                            std::ostringstream o;
                            o << std::hex << want;
                            return o.str();
                        }());
            }
        }
    }

    struct pending {
        int id;
        const event* ev;
        sys_call k;
        usec lo, hi;
        usec start;
    };

    void finish(const pending& p, const sys_result& r) {
        const int saved = line_;
        line_ = p.ev->line;
        ++counts.comparisons;
        const usec slack = (p.hi - p.start) * opt_.slack_per_mille / 1000;
        if (r.t < p.lo - opt_.tolerance || r.t > p.hi + opt_.tolerance + slack)
            fail("`" + p.ev->call.text + "` expected to return at " + secs(p.lo) +
                     (p.hi != p.lo ? "~" + secs(p.hi) : "") + ", returned at " + secs(r.t) +
                     " with " + result_text(r),
                 true);
        compare(p.ev->call, p.k, r);
        line_ = saved;
    }

    //! Blocking calls that returned; waits for those due by `upto` (at the
    //! end, for all of them).
    void check_pending(bool wait, usec upto = std::numeric_limits<usec>::max()) {
        for (auto it = pending_.begin(); it != pending_.end();) {
            auto r = b_.finished(it->id);
            if (!r && wait && it->hi <= upto) {
                const usec deadline =
                    it->hi + opt_.tolerance + (it->hi - it->start) * opt_.slack_per_mille / 1000;
                while (!r && b_.now() < deadline) {
                    b_.run_until(deadline);
                    r = b_.finished(it->id);
                }
                if (!r) {
                    line_ = it->ev->line;
                    fail("`" + it->ev->call.text + "` had not returned by " + secs(deadline), true);
                }
            }
            if (r) {
                finish(*it, *r);
                it = pending_.erase(it);
            } else {
                ++it;
            }
        }
    }

    void call(const event& ev) {
        const window w = when(ev.when);
        wait_until(w.lo);
        // A blocking call due to return by now returns before this one
        // starts: the script's order is the order of the calls.
        check_pending(true, b_.now());
        const sys_call k = make_call(ev.call);
        if (k.o == sys_call::op::connect)
            conn_fd_ = k.fd;
        const usec started = b_.now();
        const int id = b_.start_call(k);
        ++counts.calls;
        last_epoch_ = b_.epoch();
        last_line_ = ev.line;
        if (ev.when.blocking_end) {
            const time_point& e = *ev.when.blocking_end;
            const usec end = e.k == time_point::kind::relative ? w.lo + e.value : e.value;
            pending_.push_back(pending{id, &ev, k, end, end, w.lo});
            last_ = last_lo_ = w.lo;
            return;
        }
        // A call that is not written as blocking returns at once.
        const usec deadline = b_.now() + opt_.tolerance + 200000;
        std::optional<sys_result> r;
        while (!(r = b_.finished(id))) {
            // Also a timing failure: on a loaded host a call that returns at
            // once may not be seen to for a while; run alone, one that
            // really blocks fails again.
            if (b_.now() >= deadline)
                fail("`" + ev.call.text + "` did not return (it blocks: write 'a...b' for a " +
                         "blocking call)",
                     true);
            b_.run_until(deadline);
        }
        if (opt_.trace)
            std::fprintf(stderr, "%s line %d: %s = %s\n", secs(r->t).c_str(), line_,
                         ev.call.text.c_str(), result_text(*r).c_str());
        compare(ev.call, k, *r);
        last_lo_ = started;
        last_ = r->t;
    }

    // --- %{ assert }% ----------------------------------------------------------------------
    std::int64_t eval(const expr& e, const std::vector<std::uint8_t>& info) const {
        switch (e.k) {
        case expr::kind::number:
            return e.n;
        case expr::kind::field: {
            const tcp_info_field* f = find_tcp_info_field(e.field);
            const auto v = read_tcp_info_field(*f, info.data(), info.size());
            if (!v)
                fail(e.field + " is beyond the " + std::to_string(info.size()) +
                     " bytes of TCP_INFO this host reports");
            return static_cast<std::int64_t>(*v);
        }
        case expr::kind::unary: {
            const std::int64_t v = eval(*e.sub[0], info);
            return e.op == "-" ? -v : !v;
        }
        case expr::kind::binary: {
            if (e.op == "and")
                return eval(*e.sub[0], info) && eval(*e.sub[1], info);
            if (e.op == "or")
                return eval(*e.sub[0], info) || eval(*e.sub[1], info);
            const std::int64_t l = eval(*e.sub[0], info), r = eval(*e.sub[1], info);
            if ((e.op == "/" || e.op == "%") && r == 0)
                fail("division by zero in an assertion");
            if (e.op == "+")
                return l + r;
            if (e.op == "-")
                return l - r;
            if (e.op == "*")
                return l * r;
            if (e.op == "&")
                return l & r;
            if (e.op == "|")
                return l | r;
            if (e.op == "/")
                return l / r;
            return l % r;
        }
        case expr::kind::compare_chain: {
            std::int64_t l = eval(*e.sub[0], info);
            for (std::size_t i = 0; i < e.cmp.size(); ++i) {
                const std::int64_t r = eval(*e.sub[i + 1], info);
                const std::string& op = e.cmp[i];
                const bool ok = op == "=="   ? l == r
                                : op == "!=" ? l != r
                                : op == "<"  ? l < r
                                : op == "<=" ? l <= r
                                : op == ">"  ? l > r
                                             : l >= r;
                if (!ok)
                    return 0;
                l = r;
            }
            return 1;
        }
        }
        return 0;
    }

    //! The fields an assertion names, with their values, for the report.
    void fields_of(const expr& e, const std::vector<std::uint8_t>& info,
                   std::vector<std::string>& out) const {
        if (e.k == expr::kind::field) {
            const auto v =
                read_tcp_info_field(*find_tcp_info_field(e.field), info.data(), info.size());
            const std::string s = e.field + " = " + (v ? std::to_string(*v) : "?");
            if (std::find(out.begin(), out.end(), s) == out.end())
                out.push_back(s);
        }
        for (const auto& sub : e.sub)
            fields_of(*sub, info, out);
    }

    //! Whether \p e reads a TCP_INFO field measured in time: the RTT, the
    //! RTO and ATO that follow it, the "last ..." ages, rates and busy times.
    static bool names_a_time(const expr& e) {
        if (e.k == expr::kind::field) {
            for (const char* t : {"rtt", "rto", "ato", "last_", "_time", "_limited", "rate"})
                if (e.field.find(t) != std::string::npos)
                    return true;
            return false;
        }
        for (const auto& sub : e.sub)
            if (names_a_time(*sub))
                return true;
        return false;
    }

    void check(const event& ev) {
        const window w = when(ev.when);
        wait_until(w.lo);
        // Like a call, an assertion comes after a blocking call due by now:
        // an accept() due to return gives the socket it reads.
        check_pending(true, b_.now());
        if (conn_fd_ < 0)
            fail("%{ }%: no connection socket yet (one comes from accept() or connect())");
        sys_call k;
        k.o = sys_call::op::tcp_info;
        k.fd = conn_fd_;
        const int id = b_.start_call(k);
        std::optional<sys_result> r;
        while (!(r = b_.finished(id)))
            b_.run_until(b_.now() + 1000000);
        if (r->ret != 0)
            fail("getsockopt(" + std::to_string(conn_fd_) + ", TCP_INFO): " + result_text(*r));
        if (opt_.trace) {
            std::vector<std::string> vals;
            for (const assertion& a : ev.check->asserts)
                fields_of(*a.test, r->data, vals);
            for (const auto& v : vals)
                std::fprintf(stderr, "%s line %d: %s\n", secs(r->t).c_str(), line_, v.c_str());
        }
        for (const assertion& a : ev.check->asserts) {
            ++counts.asserts;
            ++counts.comparisons;
            if (!eval(*a.test, r->data)) {
                std::vector<std::string> vals;
                fields_of(*a.test, r->data, vals);
                std::string v;
                for (const auto& s : vals)
                    v += (v.empty() ? "" : ", ") + s;
                // A field the host measures in time (an RTT and what is
                // derived from it) moves with the machine's load: such a
                // failure is a timing one, run again alone.
                fail("`" + a.text + "` is false (" + v + ")", names_a_time(*a.test));
            }
        }
        last_ = last_lo_ = b_.now();
    }

    const script& s_;
    backend& b_;
    run_options opt_;
    int line_ = 0;
    int last_line_ = 0;
    usec last_ = 0;    //!< when the previous event ended
    usec last_lo_ = 0; //!< when it began (a call's start)
    std::uint64_t last_epoch_ = 0;
    std::uint16_t lport_ = 0;
    std::uint32_t host_isn_ = 0;
    std::optional<std::uint32_t> ts_offset_;
    int conn_fd_ = -1;
    std::vector<pending> pending_;
};

} // namespace

run_result run_script(const script& s, backend& b, const run_options& opt) {
    run_result res;
    const std::string why = b.open(s.sysctls);
    if (!why.empty()) {
        if (why[0] == '!') {
            res.st = run_result::status::fail;
            res.message = why.substr(1);
        } else {
            res.st = run_result::status::skip;
            res.message = why;
        }
        return res;
    }
    interpreter in(s, b, opt);
    try {
        in.run();
    } catch (const failed& f) {
        res.st = run_result::status::fail;
        res.message = f.message;
        res.timing_only = f.timing;
        if (opt.trace)
            in.trace_rest(300000);
    }
    res.counts = in.counts;
    return res;
}

} // namespace ksock_packet
