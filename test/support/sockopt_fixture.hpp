// Hand-built sockets for the socket-option tests: each object is set up the
// way Linux's creation path leaves it (see the spec, sections 4 to 7), with
// the sysctls of the 6.18 host the expected values were observed on.
#pragma once

#include <climits>
#include <cstring>
#include <ostream>
#include <type_traits>

#include <ksock/core/sock_getsockopt.hpp>
#include <ksock/core/sock_setsockopt.hpp>
#include <ksock/inet/ip/ip_sockglue.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/raw_sockopt.hpp>
#include <ksock/inet/tcp/tcp.hpp>
#include <ksock/inet/tcp/tcp_sockopt.hpp>
#include <ksock/inet/udp/udp_sockopt.hpp>
#include <ksock/unix/unix_sock.hpp>

namespace sockopt_test {

using ksock::socklen_t;

//! The observed host's sysctls where they differ from Linux's defaults
//! (net.core.{w,r}mem_max 4194304, net.ipv4.tcp_rmem[2] 33554432, default
//! congestion control bbr), so that expected values are the probed ones.
inline ksock::net host_net() {
    ksock::net n{};
    n.sysctl.wmem_max = 4194304;
    n.sysctl.rmem_max = 4194304;
    return n;
}
inline ksock::inet::netns_ipv4 host_ipv4() {
    ksock::inet::netns_ipv4 n{};
    n.sysctl.tcp_rmem[2] = 33554432;
    n.set_tcp_congestion_control("bbr");
    return n;
}

//! The context the option functions are handed: the caller's credentials
//! and the namespace (a test double of the stack's kernel context).
struct opt_ctx {
    ksock::net ns = host_net();
    ksock::inet::netns_ipv4 v4 = host_ipv4();
    ksock::cred cr = ksock::cred::root();
    const ksock::cred& current_cred() noexcept { return cr; }
    ksock::net& net() noexcept { return ns; }
    template <class T>
    T& pernet() noexcept {
        static_assert(std::is_same_v<T, ksock::inet::netns_ipv4>, "only PF_INET's part");
        return v4;
    }
};

inline const ksock::cred root = ksock::cred::root();
inline const ksock::cred nobody = ksock::cred::user(65534, 65534);

// The set_peek_off / set_rcvlowat members of Linux's ops tables.
struct inet_stream_ops {
    static int set_peek_off(ksock::sock& sk, int v) { return ksock::sk_set_peek_off(sk, v); }
    template <class Ctx>
    static int set_rcvlowat(Ctx& ctx, ksock::sock& sk, int v) {
        return ksock::inet::tcp_set_rcvlowat(sk, v, ksock::inet::ipv4_net(ctx));
    }
};
struct inet_dgram_ops {
    static int set_peek_off(ksock::sock& sk, int v) { return ksock::inet::udp_set_peek_off(sk, v); }
};
struct inet_sockraw_ops {}; // raw and ping: no set_peek_off, no set_rcvlowat
struct unix_ops {
    static int set_peek_off(ksock::sock& sk, int v) { return ksock::sk_set_peek_off(sk, v); }
};

//! The protosw entries the SOL_SOCKET path is instantiated with: the ops
//! above and the proto whose keepalive SO_KEEPALIVE runs (TCP's) or none.
struct no_prot {};
template <class Ops, class Prot = no_prot>
struct entry {
    using ops = Ops;
    using prot = Prot;
};
using tcp_entry = entry<inet_stream_ops, ksock::inet::tcp_prot>;
using udp_entry = entry<inet_dgram_ops>;
using raw_entry = entry<inet_sockraw_ops>;
using unix_entry = entry<unix_ops>;

//! sock_init_data() plus the sk_alloc fields sockopts read.
inline void init_sock(ksock::sock& sk, ksock::socket& so, ksock::net& ns, int family, int type,
                      int protocol) {
    sk.sk_family() = static_cast<unsigned short>(family);
    sk.sk_net() = &ns;
    sk.sk_type = static_cast<std::uint16_t>(type);
    sk.sk_protocol = static_cast<std::uint16_t>(protocol);
    sk.sk_rcvbuf = ns.sysctl.rmem_default;
    sk.sk_sndbuf = ns.sysctl.wmem_default;
    sk.sk_state() = ksock::tcp_close;
    sk.sk_peek_off = -1;
    sk.sk_rcvlowat = 1;
    sk.sk_rcvtimeo = ksock::max_schedule_timeout;
    sk.sk_sndtimeo = ksock::max_schedule_timeout;
    sk.sk_pacing_rate = ~0UL;
    sk.sk_max_pacing_rate = ~0UL;
    sk.sk_pacing_shift = 10;
    sk.sk_incoming_cpu() = -1;
    sk.sk_socket = &so;
    so.type = static_cast<short>(type);
    so.state = ksock::ss_unconnected;
    so.sk = &sk;
}

//! inet_create()'s part.
inline void init_inet(ksock::inet::inet_sock& inet, ksock::net& ns) {
    inet.sk.sk_txrehash = ns.sysctl.txrehash;
    inet.uc_ttl = -1;
    inet.mc_ttl = 1;
    inet.pmtudisc = ksock::ip_pmtudisc_want;
    ksock::inet::inet_assign_bit(inet, ksock::inet::inet_flags_mc_loop, true);
    ksock::inet::inet_assign_bit(inet, ksock::inet::inet_flags_mc_all, true);
}

struct tcp {
    opt_ctx ctx;
    ksock::net& ns = ctx.ns;
    ksock::inet::tcp_sock tp{};
    ksock::socket so{};
    ksock::sock& sk = tp.inet_conn.icsk_inet.sk;

    tcp() {
        init_sock(sk, so, ns, ksock::af_inet, ksock::sock_stream, ksock::ipproto_tcp);
        init_inet(tp.inet_conn.icsk_inet, ns);
        ksock::inet::inet_assign_bit(tp.inet_conn.icsk_inet, ksock::inet::inet_flags_is_icsk, true);
        // tcp_init_sock()
        auto& icsk = tp.inet_conn;
        icsk.icsk_rto = ksock::inet::tcp_timeout_init;
        icsk.icsk_rto_min = ksock::inet::tcp_rto_min;
        icsk.icsk_rto_max = ksock::inet::tcp_rto_max;
        icsk.icsk_delack_max = ksock::inet::tcp_delack_max;
        icsk.icsk_ca_ops = ksock::inet::tcp_ca_find(ctx.v4.sysctl.tcp_congestion_control);
        tp.mdev_us = 1000000;
        for (auto& s : tp.rtt_min.s)
            s = {0, ~0U};
        tp.snd_cwnd = ksock::inet::tcp_init_cwnd;
        tp.app_limited = ~0U;
        tp.rate_app_limited = 1;
        tp.snd_ssthresh = ksock::inet::tcp_infinite_ssthresh;
        tp.snd_cwnd_clamp = ~0U;
        tp.mss_cache = ksock::inet::tcp_mss_default;
        tp.reordering = static_cast<std::uint32_t>(ctx.v4.sysctl.tcp_reordering);
        tp.scaling_ratio = ksock::inet::tcp_default_scaling_ratio;
        sk.sk_sndbuf = ctx.v4.sysctl.tcp_wmem[1];
        sk.sk_rcvbuf = ctx.v4.sysctl.tcp_rmem[1];
        ksock::timer_setup(sk.sk_timer, ksock::inet::kf::tcp_keepalive_timer);
    }
    int get(int level, int name, void* v, socklen_t* l, const ksock::cred& c = root) {
        if (level == ksock::sol_socket)
            return ksock::sk_getsockopt<inet_stream_ops>(so, name, v, l, c);
        return ksock::inet::tcp_getsockopt(so, level, name, v, l, c, ctx.v4);
    }
    int set(int level, int name, const void* v, socklen_t l, const ksock::cred& c = root) {
        ctx.cr = c;
        if (level == ksock::sol_socket)
            return ksock::sk_setsockopt<tcp_entry>(ctx, so, name, v, l);
        return ksock::inet::tcp_setsockopt(so, level, name, v, l, c, ctx.v4);
    }
};

struct udp {
    opt_ctx ctx;
    ksock::net& ns = ctx.ns;
    ksock::inet::udp_sock up{};
    ksock::socket so{};
    ksock::sock& sk = up.inet.sk;

    explicit udp(int protocol = ksock::ipproto_udp) {
        init_sock(sk, so, ns, ksock::af_inet, ksock::sock_dgram, protocol);
        init_inet(up.inet, ns);
        up.forward_threshold = sk.sk_rcvbuf >> 2; // udp_lib_init_sock()
        so.flags |= 1UL << ksock::sock_custom_sockopt;
    }
    int get(int level, int name, void* v, socklen_t* l, const ksock::cred& c = root) {
        if (level == ksock::sol_socket)
            return ksock::sk_getsockopt<inet_dgram_ops>(so, name, v, l, c);
        return ksock::inet::udp_getsockopt(so, level, name, v, l, c, ctx.v4);
    }
    // SOCK_CUSTOM_SOCKOPT: every level, SOL_SOCKET included, goes to UDP.
    int set(int level, int name, const void* v, socklen_t l, const ksock::cred& c = root) {
        ctx.cr = c;
        return ksock::inet::udp_lib_setsockopt<udp_entry>(ctx, so, level, name, v, l);
    }
};

struct raw {
    opt_ctx ctx;
    ksock::net& ns = ctx.ns;
    ksock::inet::raw_sock rp{};
    ksock::socket so{};
    ksock::sock& sk = rp.inet.sk;

    explicit raw(int protocol) {
        init_sock(sk, so, ns, ksock::af_inet, ksock::sock_raw, protocol);
        init_inet(rp.inet, ns);
        sk.sk_reuse() = ksock::sk_can_reuse; // INET_PROTOSW_REUSE
        rp.inet.inet_num() = static_cast<std::uint16_t>(protocol);
        if (protocol == ksock::ipproto_raw)
            ksock::inet::inet_assign_bit(rp.inet, ksock::inet::inet_flags_hdrincl, true);
    }
    int get(int level, int name, void* v, socklen_t* l, const ksock::cred& c = root) {
        if (level == ksock::sol_socket)
            return ksock::sk_getsockopt<inet_sockraw_ops>(so, name, v, l, c);
        return ksock::inet::raw_getsockopt(so, level, name, v, l, c, ctx.v4);
    }
    int set(int level, int name, const void* v, socklen_t l, const ksock::cred& c = root) {
        ctx.cr = c;
        if (level == ksock::sol_socket)
            return ksock::sk_setsockopt<raw_entry>(ctx, so, name, v, l);
        return ksock::inet::raw_setsockopt(so, level, name, v, l, c);
    }
};

struct unix_stream {
    opt_ctx ctx;
    ksock::net& ns = ctx.ns;
    ksock::unix_domain::unix_sock u{};
    ksock::socket so{};
    ksock::sock& sk = u.sk;

    explicit unix_stream(int type = ksock::sock_stream) {
        init_sock(sk, so, ns, ksock::af_unix, type, 0);
    }
    int get(int level, int name, void* v, socklen_t* l, const ksock::cred& c = root) {
        if (level == ksock::sol_socket)
            return ksock::sk_getsockopt<unix_ops>(so, name, v, l, c);
        return -ksock::eopnotsupp; // unix ops have no getsockopt
    }
    int set(int level, int name, const void* v, socklen_t l, const ksock::cred& c = root) {
        ctx.cr = c;
        if (level == ksock::sol_socket)
            return ksock::sk_setsockopt<unix_entry>(ctx, so, name, v, l);
        return -ksock::eopnotsupp;
    }
};

//! getsockopt of an int: the return code, the value in \p out.
template <class F>
int get_int(F& f, int level, int name, int& out, const ksock::cred& c = root) {
    out = -12345;
    socklen_t l = sizeof(int);
    return f.get(level, name, &out, &l, c);
}
template <class F>
int set_int(F& f, int level, int name, int v, const ksock::cred& c = root) {
    return f.set(level, name, &v, sizeof(v), c);
}
//! A getsockopt outcome: the return code and the int read (0 on error).
struct got {
    int rc;
    int val;
    friend bool operator==(const got&, const got&) = default;
    friend std::ostream& operator<<(std::ostream& os, const got& g) {
        return os << "{rc " << g.rc << ", val " << g.val << "}";
    }
};
template <class F>
got geti(F& f, int level, int name, const ksock::cred& c = root) {
    int v = 0;
    socklen_t l = sizeof(int);
    const int rc = f.get(level, name, &v, &l, c);
    return {rc, rc ? 0 : v};
}
//! The outcome of a successful get of \p v.
inline got ok(int v) {
    return {0, v};
}
//! The outcome of a failed get.
inline got err(int e) {
    return {-e, 0};
}

} // namespace sockopt_test
