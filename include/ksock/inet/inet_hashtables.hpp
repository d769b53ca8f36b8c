// ksock/inet/inet_hashtables.hpp: TCP's port and connection tables
// (net/ipv4/inet_hashtables.c, net/ipv4/inet_connection_sock.c,
// net/ipv4/inet_timewait_sock.c): inet_csk_get_port with its bind-conflict
// rules, the ephemeral port searches of bind(0) and connect(), the lookup a
// segment on lo does (established, then listener), and the TIME_WAIT
// mini-socks.
//
// ksock has no hash tables: the proto's pool is scanned (for_each_obj), and
// the TIME_WAIT entries are a small fixed array in the proto's state.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

//! TCP_TIMEWAIT_LEN: how long a TIME_WAIT entry blocks its 4-tuple and port.
inline constexpr unsigned long tcp_timewait_len = 60UL * hz;
//! TIME_WAIT entries a stack holds; when they are all taken, a closing
//! socket goes straight to CLOSE (Linux: "time wait bucket table overflow").
inline constexpr std::size_t tcp_tw_slots = 16;

//! struct inet_timewait_sock, reduced to what lo needs: the 4-tuple, the
//! port owner's reuse flags (they decide bind conflicts) and the expiry.
struct inet_timewait_sock {
    std::uint32_t tw_rcv_saddr; //!< network order
    std::uint32_t tw_daddr;     //!< network order
    std::uint16_t tw_num;       //!< local port, host order
    std::uint16_t tw_dport;     //!< network order
    std::uint8_t tw_live;       //!< the slot holds an entry
    std::uint8_t tw_substate;   //!< TCP_TIME_WAIT or TCP_FIN_WAIT2
    std::uint8_t tw_reuse;      //!< the owner's SO_REUSEADDR
    std::uint8_t tw_reuseport;  //!< the owner's SO_REUSEPORT
    uid_t tw_uid;               //!< the owner's uid (SO_REUSEPORT sharing)
    unsigned long tw_expires;   //!< jiffies
    //! struct tcp_timewait_sock, for a connection that sent real segments: what answering a
    //! retransmitted FIN (or a new SYN) needs: the window scale and timestamps the connection used,
    //! and its sequence numbers and window.
    //!@{
    std::uint8_t tw_segments;
    std::uint8_t tw_tstamp_ok;
    std::uint8_t tw_rcv_wscale;
    std::uint32_t tw_snd_nxt;
    std::uint32_t tw_rcv_nxt;
    std::uint32_t tw_rcv_wnd;
    std::uint32_t tw_ts_recent;
    std::uint32_t tw_ts_recent_stamp;
    std::uint32_t tw_ts_offset;
    //!@}
};

//! tcp_prot's per-stack state: the TIME_WAIT "hash" (tcp_death_row).
struct tcp_state_type {
    inet_timewait_sock tw[tcp_tw_slots]; //!< the entries
    //! The keys of secure_tcp_seq and secure_tcp_ts_off, drawn from the
    //! namespace's generator at the first connection (0: not yet).
    std::uint32_t isn_key[2];
};

namespace bind_detail {

//! inet_rcv_saddr_equal(sk, sk2, match_wildcard = true): two local
//! addresses overlap when equal or when either is the wildcard.
constexpr bool rcv_saddr_overlap(std::uint32_t a, std::uint32_t b) noexcept {
    return a == b || a == 0 || b == 0;
}

//! inet_bind_conflict for one owner of the port (sock or TIME_WAIT entry),
//! described by its flags: \p relax and \p reuseport_ok as Linux's callers
//! pass them (true, true from get_port for an explicit port; false, false
//! from the ephemeral search).
constexpr bool inet_bind_conflict(const sock& sk, std::uint8_t reuse2, std::uint8_t reuseport2,
                                  std::uint8_t state2, uid_t uid2, bool relax,
                                  bool reuseport_ok) noexcept {
    if (sk.sk_reuse() && reuse2 && state2 != tcp_listen) {
        if (!relax || (!reuseport_ok && sk.sk_reuseport() && reuseport2 &&
                       (state2 == tcp_time_wait || sk.sk_uid == uid2)))
            return true;
        return false;
    }
    return !reuseport_ok || !sk.sk_reuseport() || !reuseport2 ||
           (state2 != tcp_time_wait && sk.sk_uid != uid2);
}

} // namespace bind_detail

//! Does binding \p sk to \p port conflict with an owner of that port (a
//! bound TCP sock, a child sharing its listener's port, a TIME_WAIT entry)?
template <class P, class Ctx>
bool inet_csk_bind_conflict(Ctx& ctx, const sock& sk, std::uint16_t port, bool relax,
                            bool reuseport_ok) {
    const std::uint32_t addr = inet_sk(&sk)->inet_rcv_saddr();
    bool conflict = false;
    ctx.template for_each_obj<P>([&](typename P::obj_type& o) {
        const sock& sk2 = o.inet_conn.icsk_inet.sk;
        const inet_sock& i2 = o.inet_conn.icsk_inet;
        if (conflict || &sk2 == &sk || i2.inet_num() != port)
            return;
        if (!bind_detail::rcv_saddr_overlap(addr, i2.inet_rcv_saddr()))
            return;
        conflict = bind_detail::inet_bind_conflict(sk, sk2.sk_reuse(), sk2.sk_reuseport(),
                                                   sk2.sk_state(), sk2.sk_uid, relax, reuseport_ok);
    });
    if (conflict)
        return true;
    for (const inet_timewait_sock& tw : ctx.template proto_state<P>().tw) {
        if (!tw.tw_live || tw.tw_num != port ||
            !bind_detail::rcv_saddr_overlap(addr, tw.tw_rcv_saddr))
            continue;
        if (bind_detail::inet_bind_conflict(sk, tw.tw_reuse, tw.tw_reuseport, tcp_time_wait,
                                            tw.tw_uid, relax, reuseport_ok))
            return true;
    }
    return false;
}

//! Is \p port owned by anything at all (connect's ephemeral search wants a
//! port nobody holds; see the README for how this differs from Linux's
//! 4-tuple check).
template <class P, class Ctx>
bool inet_port_in_use(Ctx& ctx, std::uint16_t port) {
    bool used = false;
    ctx.template for_each_obj<P>(
        [&](typename P::obj_type& o) { used = used || o.inet_conn.icsk_inet.inet_num() == port; });
    for (const inet_timewait_sock& tw : ctx.template proto_state<P>().tw)
        used = used || (tw.tw_live && tw.tw_num == port);
    return used;
}

//! The ephemeral range [low, high) and its even-sized span, as Linux.
struct port_range {
    std::uint32_t low;       //!< first port
    std::uint32_t high;      //!< one past the last port
    std::uint32_t remaining; //!< ports to search, even
};
//! The ephemeral range of net.ipv4.ip_local_port_range, as inet_sk_get_local_port_range gives it.
template <class Ctx>
port_range local_port_range(Ctx& ctx) noexcept {
    const auto& r = ipv4_net(ctx).sysctl.ip_local_port_range;
    port_range pr{static_cast<std::uint32_t>(r[0]), static_cast<std::uint32_t>(r[1]) + 1u, 0};
    pr.remaining = pr.high - pr.low;
    if (pr.remaining > 1)
        pr.remaining &= ~1u;
    return pr;
}

//! Scan [low, high) from \p offset in steps of 2, then the other parity
//! (bind(0) starts odd, connect() even): the first port \p free accepts.
template <class Free>
std::uint16_t port_scan(const port_range& pr, std::uint32_t offset, bool odd_first, Free&& free) {
    if (pr.remaining == 0)
        return 0;
    for (int pass = 0; pass < 2; ++pass) {
        std::uint32_t port = pr.low + offset;
        for (std::uint32_t i = 0; i < pr.remaining; i += 2, port += 2) {
            if (port >= pr.high)
                port -= pr.remaining;
            if (free(static_cast<std::uint16_t>(port)))
                return static_cast<std::uint16_t>(port);
        }
        if (odd_first) {
            --offset;
            if (offset & 1)
                break;
        } else {
            ++offset;
            if (!(offset & 1) || pr.remaining <= 1)
                break;
        }
    }
    return 0;
}

//! inet_csk_get_port: 0 with inet_num set, 1 when the port is taken (or no
//! ephemeral port is free).
template <class P, class Ctx>
int inet_csk_get_port(Ctx& ctx, sock& sk, unsigned short snum) {
    inet_sock& inet = *inet_sk(&sk);
    if (!snum) {
        // inet_csk_find_open_port: odd ports first (connect() favours even).
        const port_range pr = local_port_range(ctx);
        if (pr.remaining == 0)
            return 1;
        std::uint32_t offset = ctx.net().prandom_u32() % pr.remaining;
        offset |= 1u;
        const std::uint16_t port = port_scan(pr, offset, true, [&](std::uint16_t p) {
            return !inet_csk_bind_conflict<P>(ctx, sk, p, false, false);
        });
        if (!port)
            return 1;
        inet.inet_num() = port;
        return 0;
    }
    if (inet_csk_bind_conflict<P>(ctx, sk, snum, true, true))
        return 1;
    inet.inet_num() = snum;
    return 0;
}

//! __inet_hash_connect's port choice for an unbound socket: even ports
//! first, a port nobody holds. 0 when none is free.
template <class P, class Ctx>
std::uint16_t inet_hash_connect_port(Ctx& ctx) {
    const port_range pr = local_port_range(ctx);
    if (pr.remaining == 0)
        return 0;
    std::uint32_t offset = ctx.net().prandom_u32() % pr.remaining;
    offset &= ~1u;
    return port_scan(pr, offset, false,
                     [&](std::uint16_t p) { return !inet_port_in_use<P>(ctx, p); });
}

//! __inet_lookup_established: the sock of the 4-tuple (local \p laddr:\p
//! lport, remote \p raddr:\p rport; ports: lport host order, rport network
//! order), any state but LISTEN and CLOSE.
template <class P, class Ctx>
sock* inet_lookup_established(Ctx& ctx, std::uint32_t laddr, std::uint16_t lport,
                              std::uint32_t raddr, std::uint16_t rport) {
    sock* found = nullptr;
    ctx.template for_each_obj<P>([&](typename P::obj_type& o) {
        inet_sock& i = o.inet_conn.icsk_inet;
        const std::uint8_t st = i.sk.sk_state();
        if (!found && st != tcp_listen && st != tcp_close && i.inet_num() == lport &&
            i.inet_dport() == rport && i.inet_daddr() == raddr && i.inet_rcv_saddr() == laddr)
            found = &i.sk;
    });
    return found;
}

//! __inet_lookup_listener: an exact local address beats the wildcard.
template <class P, class Ctx>
sock* inet_lookup_listener(Ctx& ctx, std::uint32_t laddr, std::uint16_t lport) {
    sock* exact = nullptr;
    sock* wild = nullptr;
    ctx.template for_each_obj<P>([&](typename P::obj_type& o) {
        inet_sock& i = o.inet_conn.icsk_inet;
        if (i.sk.sk_state() != tcp_listen || i.inet_num() != lport)
            return;
        if (i.inet_rcv_saddr() == laddr && !exact)
            exact = &i.sk;
        else if (i.inet_rcv_saddr() == 0 && !wild)
            wild = &i.sk;
    });
    return exact ? exact : wild;
}

//! The TIME_WAIT entry of a 4-tuple, or null.
template <class P, class Ctx>
inet_timewait_sock* inet_lookup_tw(Ctx& ctx, std::uint32_t laddr, std::uint16_t lport,
                                   std::uint32_t raddr, std::uint16_t rport) {
    for (inet_timewait_sock& tw : ctx.template proto_state<P>().tw)
        if (tw.tw_live && tw.tw_num == lport && tw.tw_dport == rport && tw.tw_daddr == raddr &&
            tw.tw_rcv_saddr == laddr)
            return &tw;
    return nullptr;
}

} // namespace ksock::inet
