// ksock/inet/udp/udp_input.hpp: UDP's receive side (net/ipv4/udp.c): the socket
// lookup (compute_score, SO_REUSEPORT groups), udp_rcv and its enqueue with
// the receive-buffer rule, lo's broadcast delivery, the ICMP errors
// (__udp4_lib_err) and udp_recvmsg.
//
// UDP-Lite takes the same path with its own table (udplite_rcv,
// udplite_err: __udp4_lib_rcv and __udp4_lib_err with udplite_table) and
// its checksum coverage (udplite_checksum_init, the receiver's minimum).
//
// ksock's hash table is the proto's pool itself: a UDP sock is hashed
// while it has a port (inet_num, zeroed by unhash, as udp_lib_unhash does);
// skc_hash holds the order socks were hashed in, newest highest, standing
// for the head-first hash chains whose first best match Linux takes.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>

#include <ksock/core/datagram.hpp>
#include <ksock/core/skbuff.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/udp/udp_sock.hpp>
#include <ksock/objects/kmsghdr.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

struct udp_prot;
struct udplite_prot;

//! The per-stack state of udp_prot and udplite_prot: the order socks were
//! hashed in.
struct udp_table {
    std::uint32_t hash_seq; //!< the next hash order to give
};

//! UDP_SKB_CB: the IP layer's control block, then UDP-Lite's checksum
//! coverage (cscov, bytes from the UDP header) and whether it is partial.
struct udp_skb_cb {
    inet_skb_cb header;       //!< the IP layer's part (IPCB)
    std::uint16_t cscov;      //!< UDP-Lite checksum coverage, bytes from the UDP header
    std::uint8_t partial_cov; //!< the coverage is partial
};
//! UDP_SKB_CB(skb): \p skb's control block as UDP's.
//!@{
inline udp_skb_cb& udp_cb(sk_buff& skb) noexcept {
    static_assert(sizeof(udp_skb_cb) <= sizeof(sk_buff::cb) && alignof(udp_skb_cb) <= 8,
                  "ksock::inet::udp_skb_cb: must fit skb->cb (48 bytes, 8-aligned)");
    return *static_cast<udp_skb_cb*>(static_cast<void*>(skb.cb));
}
inline const udp_skb_cb& udp_cb(const sk_buff& skb) noexcept {
    return *static_cast<const udp_skb_cb*>(static_cast<const void*>(skb.cb));
}
//!@}

//! f(sock&) for every hashed sock of table \p T (udp_prot, udplite_prot).
template <class T, class Ctx, class F>
void udp_for_each_hashed(Ctx& ctx, F&& f) {
    ctx.template for_each_obj<T>([&](auto& obj) {
        sock& sk = reinterpret_cast<udp_sock&>(obj).inet.sk;
        if (inet_sk(&sk)->inet_num())
            f(sk);
    });
}

//! compute_score for the 2-tuple pass whose local address is \p daddr
//! (exact, or INADDR_ANY on the second pass): -1 for no match; a connected
//! sock matches only its peer, and scores higher.
inline int udp_compute_score(const sock& sk, std::uint32_t saddr, std::uint16_t sport,
                             std::uint32_t daddr, unsigned short hnum) noexcept {
    const inet_sock& inet = *inet_sk(&sk);
    if (inet.inet_num() != hnum || inet.inet_rcv_saddr() != daddr)
        return -1;
    int score = 2; // PF_INET
    if (inet.inet_daddr()) {
        if (inet.inet_daddr() != saddr)
            return -1;
        score += 4;
    }
    if (inet.inet_dport()) {
        if (inet.inet_dport() != sport)
            return -1;
        score += 4;
    }
    return score;
}

//! reciprocal_scale(udp_ehashfn(...), n): the member of a SO_REUSEPORT
//! group a flow goes to. The hash is not Linux's jhash (its seed is random
//! at boot anyway): one flow always reaches the same member.
constexpr std::uint32_t udp_flow_hash(std::uint32_t saddr, std::uint16_t sport, std::uint32_t daddr,
                                      unsigned short hnum) noexcept {
    std::uint32_t h = saddr * 0x9e3779b1u;
    h ^= (h >> 15) ^ (static_cast<std::uint32_t>(sport) << 16) ^ hnum;
    h *= 0x85ebca6bu;
    h ^= daddr + (h >> 13);
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
}

//! __udp4_lib_lookup: the exact local address first, then INADDR_ANY; the
//! best score wins, the most recently hashed among equals; an unconnected
//! SO_REUSEPORT winner hands the datagram to one member of its group (the
//! socks bound with SO_REUSEPORT to the same address and port by the same
//! user, in bind order). \p T is the table.
template <class T, class Ctx>
sock* udp4_lib_lookup(Ctx& ctx, std::uint32_t saddr, std::uint16_t sport, std::uint32_t daddr,
                      std::uint16_t dport) {
    const unsigned short hnum = ksock::be16_to_cpu(dport);
    const std::uint32_t locals[2] = {daddr, 0};
    for (const std::uint32_t local : locals) {
        sock* best = nullptr;
        int badness = 0;
        udp_for_each_hashed<T>(ctx, [&](sock& sk) {
            const int score = udp_compute_score(sk, saddr, sport, local, hnum);
            if (score > badness ||
                (score == badness && best && sk.sk_common.skc_hash > best->sk_common.skc_hash)) {
                best = &sk;
                badness = score;
            }
        });
        if (!best)
            continue;
        if (best->sk_reuseport() && !inet_sk(best)->inet_daddr()) {
            std::uint32_t n = 0;
            auto member = [&](const sock& sk) {
                return sk.sk_reuseport() && !inet_sk(&sk)->inet_daddr() &&
                       inet_sk(&sk)->inet_num() == hnum &&
                       inet_sk(&sk)->inet_rcv_saddr() == local && sk.sk_uid == best->sk_uid;
            };
            udp_for_each_hashed<T>(ctx, [&](sock& sk) { n += member(sk); });
            const auto pick = static_cast<std::uint32_t>(
                (static_cast<std::uint64_t>(udp_flow_hash(saddr, sport, daddr, hnum)) * n) >> 32);
            // The pick-th member in bind order.
            sock* chosen = best;
            std::uint32_t floor = 0;
            for (std::uint32_t i = 0; i <= pick; ++i) {
                sock* next = nullptr;
                udp_for_each_hashed<T>(ctx, [&](sock& sk) {
                    if (member(sk) && sk.sk_common.skc_hash > floor &&
                        (!next || sk.sk_common.skc_hash < next->sk_common.skc_hash))
                        next = &sk;
                });
                if (!next)
                    break;
                chosen = next;
                floor = next->sk_common.skc_hash;
            }
            return chosen;
        }
        return best;
    }
    return nullptr;
}

//! udp_queue_rcv_one_skb then __udp_enqueue_schedule_skb (6.18, probed on
//! the host). A UDP-Lite sock that set UDPLITE_RECV_CSCOV drops a datagram
//! of partial coverage when it asked for full coverage (0) or for more than
//! the datagram covers (sk_drops). A datagram that would take the receive
//! memory past sk_rcvbuf is dropped (sk_drops) unless the queue is empty
//! (one datagram always fits a small buffer); then it is charged, queued and
//! the reader woken.
template <class Ctx>
int udp_queue_rcv_skb(Ctx& ctx, sock& sk, sk_buff* skb) {
    const udp_sock& up = *udp_sk(&sk);
    udp_mib& mib = udp_mib_of(ipv4_net(ctx).mib, sk.sk_protocol);
    if (udp_test_bit(up, udp_flags_udplite_recv_cc) && udp_cb(*skb).partial_cov &&
        (up.pcrlen == 0 || udp_cb(*skb).cscov < up.pcrlen)) {
        ++mib.in_errors;
        return sk_queue_rcv_or_drop(ctx, sk, skb, true);
    }
    const auto rmem = static_cast<unsigned>(sk.sk_rmem_alloc);
    const auto rcvbuf = static_cast<unsigned>(sk.sk_rcvbuf);
    const bool refused = rmem + skb->truesize > rcvbuf && (rcvbuf > (INT_MAX >> 1) || rmem);
    if (refused) { // udp_queue_rcv_one_skb: RcvbufErrors and InErrors
        ++mib.rcvbuf_errors;
        ++mib.in_errors;
    }
    return sk_queue_rcv_or_drop(ctx, sk, skb, refused);
}

//! __udp_is_mcast_sock for lo's broadcast: the port, and the peer and the
//! local address where the sock has them.
inline bool udp_is_mcast_sock(const sock& sk, std::uint32_t loc_addr, std::uint16_t loc_port,
                              std::uint32_t rmt_addr, std::uint16_t rmt_port) noexcept {
    const inet_sock& inet = *inet_sk(&sk);
    return inet.inet_num() == ksock::be16_to_cpu(loc_port) &&
           !(inet.inet_daddr() && inet.inet_daddr() != rmt_addr) &&
           !(inet.inet_dport() && inet.inet_dport() != rmt_port) &&
           !(inet.inet_rcv_saddr() && inet.inet_rcv_saddr() != loc_addr);
}

//! __udp4_lib_mcast_deliver: a copy to every matching sock of table \p T
//! (the last takes the packet itself); nobody is told when none matches.
template <class T, class Ctx>
void udp_mcast_deliver(Ctx& ctx, sk_buff* skb) {
    const inet_skb_cb cb = inet_cb(*skb);
    sock* last = nullptr;
    udp_for_each_hashed<T>(ctx, [&](sock& sk) {
        if (!udp_is_mcast_sock(sk, cb.daddr, cb.dport, cb.saddr, cb.sport))
            return;
        if (last) {
            if (sk_buff* c = skb_clone(ctx, skb))
                udp_queue_rcv_skb(ctx, *last, c);
        }
        last = &sk;
    });
    if (last) {
        udp_queue_rcv_skb(ctx, *last, skb);
    } else {
        ++udp_mib_of(ipv4_net(ctx).mib, cb.protocol).ignored_multi; // nobody took it
        kfree_skb(ctx, skb);
    }
}

//! udp4_csum_init for a datagram of \p len bytes with header \p uh. For
//! UDP-Lite first its coverage (udplite_checksum_init): a zero checksum is
//! illegal, a coverage of 0 is the whole datagram, one of 1..7 or past its
//! end is an error, one below its length is partial (UDP_SKB_CB's cscov
//! and partial_cov). Then the checksum over what it covers, with the whole
//! length in the pseudo-header: a datagram from lo's own UDP carries a
//! partial checksum and needs no check (skb_checksum_init takes
//! CHECKSUM_PARTIAL as valid); a UDP checksum of 0 is none sent. False: a
//! checksum error.
inline bool udp4_csum_init(sk_buff* skb, const udphdr& uh, std::size_t len,
                           std::uint8_t proto) noexcept {
    udp_skb_cb& ucb = udp_cb(*skb);
    ucb.partial_cov = 0;
    ucb.cscov = static_cast<std::uint16_t>(len);
    if (proto == ipproto_udplite) {
        if (!uh.check)
            return false;
        const std::size_t cscov = ksock::be16_to_cpu(uh.len);
        if (cscov && (cscov < sizeof uh || cscov > len))
            return false;
        if (cscov && cscov < len) {
            ucb.partial_cov = 1;
            ucb.cscov = static_cast<std::uint16_t>(cscov);
        }
    } else if (!uh.check) {
        return true;
    }
    if (skb->ip_summed == checksum_partial)
        return true;
    const inet_skb_cb& cb = ucb.header;
    const std::uint32_t sum =
        csum_tcpudp_nofold(cb.saddr, cb.daddr, static_cast<std::uint32_t>(len), proto);
    return csum_fold(skb_checksum(skb, cb.ihl, ucb.cscov, sum)) == 0;
}

//! __udp4_lib_rcv for table \p T and IP protocol \p proto: a datagram
//! whose length is wrong is dropped (InErrors; UDP's length must lie within
//! the packet and ends the datagram, UDP-Lite's is its coverage and the
//! packet ends it), one whose checksum is wrong too (InCsumErrors and
//! InErrors; ksock checks it on arrival, where Linux may wait for the
//! read); one nobody is bound to is answered with ICMP port-unreachable
//! (NoPorts). The counters are the protocol's (Udp: or UdpLite:).
template <class T, class Ctx>
void udp4_lib_rcv(Ctx& ctx, sk_buff* skb, std::uint8_t proto) {
    inet_skb_cb& cb = inet_cb(*skb);
    udp_mib& mib = udp_mib_of(ipv4_net(ctx).mib, proto);
    const std::size_t ihl = cb.ihl;
    udphdr uh{};
    bool ok = cb.tot_len >= ihl + sizeof uh;
    bool csum_ok = true;
    if (ok) {
        skb_copy_bits(skb, ihl, &uh, sizeof uh);
        const std::size_t ulen = ksock::be16_to_cpu(uh.len);
        std::size_t len = cb.tot_len - ihl;
        ok = ulen <= len;
        if (proto == ipproto_udp) {
            ok = ok && ulen >= sizeof uh;
            len = ulen;
        }
        if (ok)
            csum_ok = ok = udp4_csum_init(skb, uh, len, proto);
        if (ok) {
            cb.sport = uh.source;
            cb.dport = uh.dest;
            cb.data_off = static_cast<std::uint16_t>(ihl + sizeof uh);
            skb->msg_len = static_cast<std::uint32_t>(len - sizeof uh);
        }
    }
    if (!ok) {
        if (!csum_ok)
            ++mib.in_csum_errors;
        ++mib.in_errors;
        kfree_skb(ctx, skb);
        return;
    }
    if (cb.broadcast) {
        udp_mcast_deliver<T>(ctx, skb);
        return;
    }
    if (sock* sk = udp4_lib_lookup<T>(ctx, cb.saddr, cb.sport, cb.daddr, cb.dport)) {
        udp_queue_rcv_skb(ctx, *sk, skb);
        return;
    }
    ++mib.no_ports;
    icmp_send(ctx, skb, icmp_t_dest_unreach, icmp_port_unreach);
    kfree_skb(ctx, skb);
}

//! icmp_err_convert: the errno of each ICMP_DEST_UNREACH code and whether
//! it is fatal (a hard error).
struct icmp_err {
    int errno_; //!< the errno an error of this code reports
    bool fatal; //!< a hard error: reported even without IP_RECVERR
};
//! icmp_err_convert[], by ICMP_DEST_UNREACH code (net/ipv4/icmp.c).
inline constexpr icmp_err icmp_err_convert[nr_icmp_unreach + 1] = {
    {enetunreach, false},  // NET_UNREACH
    {ehostunreach, false}, // HOST_UNREACH
    {enoprotoopt, true},   // PROT_UNREACH
    {econnrefused, true},  // PORT_UNREACH
    {emsgsize, false},     // FRAG_NEEDED
    {eopnotsupp, false},   // SR_FAILED
    {enetunreach, true},   // NET_UNKNOWN
    {ehostdown, true},     // HOST_UNKNOWN
    {enonet, true},        // HOST_ISOLATED
    {enetunreach, true},   // NET_ANO
    {ehostunreach, true},  // HOST_ANO
    {enetunreach, false},  // NET_UNR_TOS
    {ehostunreach, false}, // HOST_UNR_TOS
    {ehostunreach, true},  // PKT_FILTERED
    {ehostunreach, true},  // PREC_VIOLATION
    {ehostunreach, true},  // PREC_CUTOFF
};

//! __udp4_lib_err for table \p T: an ICMP error about a datagram this stack sent (the
//! original IP header at \p inner in the ICMP packet) reaches the sock that
//! sent it (none: Icmp InErrors). Without IP_RECVERR only a hard error on a connected sock is
//! reported (sk_err, sk_error_report): an unconnected sender is not told.
//! With IP_RECVERR sk_err is set as well (ksock queues nothing on the error
//! queue).
template <class T, class Ctx>
void udp4_lib_err(Ctx& ctx, const sk_buff* skb, std::size_t inner, std::uint8_t type,
                  std::uint8_t code) {
    iphdr iph{};
    udphdr uh{};
    skb_copy_bits(skb, inner, &iph, sizeof iph);
    const std::size_t ihl = static_cast<std::size_t>(iph.ver_ihl & 0x0f) * 4u;
    skb_copy_bits(skb, inner + ihl, &uh, sizeof uh);
    sock* sk = udp4_lib_lookup<T>(ctx, iph.daddr, uh.dest, iph.saddr, uh.source);
    if (!sk) {
        // No socket sent it (a forged or stale quote): Linux counts the
        // error as one it could not deliver, in Icmp InErrors.
        ++ipv4_net(ctx).mib.icmp.in_errors;
        return;
    }
    int err = 0;
    bool harderr = false;
    switch (type) {
    case icmp_t_dest_unreach:
        if (code > nr_icmp_unreach)
            return;
        err = icmp_err_convert[code].errno_;
        harderr = icmp_err_convert[code].fatal;
        break;
    case icmp_t_time_exceeded:
        err = ehostunreach;
        break;
    case icmp_t_parameterprob:
        err = eproto;
        harderr = true;
        break;
    default:
        return;
    }
    if (!inet_test_bit(*inet_sk(sk), inet_flags_recverr) &&
        (!harderr || sk->sk_state() != tcp_established))
        return;
    sk->sk_err = err;
    ctx.sk_error_report(*sk);
}

//! udp_recvmsg: one datagram (MSG_PEEK leaves it, from SO_PEEK_OFF when
//! set); MSG_TRUNC in msg_flags when it did not fit, its whole length
//! returned when the caller passed MSG_TRUNC; the sender's sockaddr_in. An
//! empty error queue (MSG_ERRQUEUE) is EAGAIN.
template <class Ctx>
long udp_recvmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len, int flags, int* addr_len) {
    if (flags & msg_errqueue)
        return -eagain; // ip_recv_error: nothing is ever queued there
    const bool peeking = (flags & msg_peek) != 0;
    int off = sk_peek_offset(sk, flags);
    int err = 0;
    sk_buff* skb = skb_recv_datagram_from(ctx, sk, sk.sk_receive_queue, flags, &off, &err);
    if (!skb)
        return err;
    const inet_skb_cb& cb = inet_cb(*skb);
    const std::size_t ulen = skb->msg_len;
    const auto uoff = static_cast<std::size_t>(off);
    std::size_t copied = len;
    if (copied > ulen - uoff)
        copied = ulen - uoff;
    else if (copied < ulen)
        msg.msg_flags |= msg_trunc;
    if (skb_copy_to_iter(skb, cb.data_off + uoff, msg.msg_iter, copied) < copied) {
        // A bad buffer: EFAULT, and the datagram taken is dropped (counted
        // in sk_drops), as udp_recvmsg does when the copy fails.
        if (!peeking) {
            ++sk.sk_drops;
            kfree_skb(ctx, skb);
        }
        return -efault;
    }
    if (msg.msg_name) {
        auto* sin = static_cast<sockaddr_in*>(msg.msg_name);
        sin->sin_family = af_inet;
        sin->sin_port = cb.sport;
        sin->sin_addr.s_addr = cb.saddr;
        for (unsigned char& z : sin->sin_zero)
            z = 0;
        *addr_len = static_cast<int>(sizeof(sockaddr_in));
    }
    long ret = static_cast<long>(copied);
    if (flags & msg_trunc)
        ret = static_cast<long>(ulen);
    // skb_consume_udp: SO_PEEK_OFF moves on by what a peek returned, back by
    // what a read returned.
    if (sk.sk_peek_off >= 0) {
        const long moved = peeking ? -ret : ret;
        long o = static_cast<long>(sk.sk_peek_off) - moved;
        sk.sk_peek_off = static_cast<int>(o < 0 ? 0 : o);
    }
    if (!peeking) {
        ++udp_mib_of(ipv4_net(ctx).mib, sk.sk_protocol).in_datagrams;
        kfree_skb(ctx, skb);
    }
    return ret;
}

} // namespace ksock::inet
