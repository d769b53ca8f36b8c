// ksock/inet/raw.hpp: raw_prot (net/ipv4/raw.c): raw IP sockets, hashed by
// protocol number when created (raw_hash_sk), with raw_sk_init, raw_bind,
// connect, raw_sendmsg (with or without IP_HDRINCL), raw_recvmsg, raw_close,
// and raw_v4_input: every raw socket of a packet's protocol gets a copy of
// it, IP header included.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/core/sock_init.hpp>
#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/inet_kfunc.hpp>
#include <ksock/inet/ip/icmp.hpp>
#include <ksock/inet/ip/ip4_datagram_ioctl.hpp>
#include <ksock/inet/ip/ip4_datagram_proto.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/ip/ip_output.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/raw_recvmsg.hpp>
#include <ksock/inet/raw_sock.hpp>
#include <ksock/inet/raw_sockopt.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/list.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

//! RAW_HTABLE_SIZE: Linux hashes raw sockets by protocol into 256 chains.
inline constexpr std::size_t raw_htable_size = 256;

//! struct raw_hashinfo: the chains of raw sockets, one per stack.
struct raw_hashinfo {
    hlist_head ht[raw_htable_size]; //!< the chains, by protocol number
    int count;                      //!< raw socks hashed
};

//! raw_prot (struct proto "RAW", net/ipv4/raw.c): raw IPv4 sockets.
struct raw_prot : ip4_datagram_proto<raw_prot, raw_sock> {
    static constexpr const char* name = "RAW";            //!< struct proto .name
    static constexpr kfunc backlog_rcv = kf::raw_rcv_skb; //!< what processes a backlogged skb
    using state_type = raw_hashinfo;                      //!< the hash of raw socks

    //! The image of socket(AF_INET, SOCK_RAW, IPPROTO_RAW).
    static const raw_sock defaults;

    //! .getsockopt = raw_getsockopt, .setsockopt = raw_setsockopt: SOL_RAW,
    //! then SOL_IP.
    static constexpr auto& getsockopt_fn = raw_getsockopt;
    static constexpr auto& setsockopt_fn = raw_setsockopt; //!< SOL_RAW, then SOL_IP

    //! raw_hash_sk: add to the chain of inet_num, taking a reference.
    template <class Ctx>
    static int hash(Ctx& ctx, sock& sk) {
        raw_hashinfo& h = ctx.template proto_state<raw_prot>();
        hlist_head& head = h.ht[inet_sk(&sk)->inet_num() & (raw_htable_size - 1)];
        hlist_node& n = sk.sk_common.skc_node;
        n.next = head.first;
        if (head.first)
            head.first->pprev = &n.next;
        head.first = &n;
        n.pprev = &head.first;
        ++h.count;
        sock_hold(sk);
        return 0;
    }

    //! raw_unhash_sk: drop from the chain and the reference hash took.
    template <class Ctx>
    static void unhash(Ctx& ctx, sock& sk) {
        hlist_node& n = sk.sk_common.skc_node;
        if (hlist_unhashed(n))
            return;
        *n.pprev = n.next;
        if (n.next)
            n.next->pprev = n.pprev;
        n = hlist_node{};
        --ctx.template proto_state<raw_prot>().count;
        --sk.sk_refcnt(); // __sock_put: never the last reference here
    }

    //! raw_sk_init: an ICMP raw socket starts with an empty ICMP filter.
    template <class Ctx>
    static int init(Ctx&, sock& sk) {
        raw_sock& rp = *raw_sk(&sk);
        if (rp.inet.inet_num() == ipproto_icmp)
            rp.filter.data = 0;
        return 0;
    }
    //! The same on a copy of the image (the filter's word is zero there).
    template <class Ctx>
    static int init_after_image(Ctx& ctx, sock& sk) {
        return init(ctx, sk);
    }

    //! raw_bind: address checks only (the protocol is the port): EINVAL for
    //! a short address or a socket no longer in TCP_CLOSE, EADDRNOTAVAIL for
    //! an address of no local device (multicast and broadcast are allowed,
    //! without a source address of their own). The family is not checked.
    template <class Ctx>
    static int bind(Ctx& ctx, sock& sk, const sockaddr* uaddr, int addr_len) {
        trace_scope ts(ctx.trace(), "raw_bind");
        sockaddr_in addr; // the kernel copy is sockaddr_storage-sized
        if (sk.sk_state() != tcp_close)
            return ts.result(-einval);
        if (const int err = sockaddr_in_from(uaddr, addr_len, addr))
            return ts.result(err);
        inet_sock& inet = *inet_sk(&sk);
        const rtn_type chk = inet_addr_type(ctx, addr.sin_addr.s_addr);
        if (!inet_addr_valid_or_nonlocal(ipv4_net(ctx).sysctl, inet, addr.sin_addr.s_addr, chk))
            return ts.result(-eaddrnotavail);
        inet.inet_rcv_saddr() = inet.inet_saddr = addr.sin_addr.s_addr;
        if (chk == rtn_multicast || chk == rtn_broadcast)
            inet.inet_saddr = 0;
        return 0;
    }

    //! raw_ioctl: SIOCINQ is the first packet's length, IP header included;
    //! SIOCOUTQ the send memory still charged.
    template <class Ctx>
    static int ioctl(Ctx&, sock& sk, unsigned long cmd, int* karg) {
        return ip4_datagram_ioctl(sk, cmd, karg);
    }

    //! raw_send_hdrinc: the caller's packet, IPv4 header first, goes out
    //! as it is but for tot_len, a zero saddr (the route's) and id (a random
    //! one) and the checksum, all filled in. Too short a packet, or a
    //! header longer than the packet, is EINVAL. 0 or -errno.
    template <class Ctx>
    static int send_hdrinc(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len, const rtable& rt) {
        if (len > rt.mtu)
            return -emsgsize; // raw_send_hdrinc never fragments
        int err = 0;
        const std::uint32_t truesize = ip_truesize(len, len); // all linear
        sk_buff* skb =
            sock_alloc_send_skb(ctx, sk, len, truesize, (msg.msg_flags & msg_dontwait) != 0, &err);
        if (!skb)
            return err;
        if (skb_copy_from_iter_at(skb, 0, msg.msg_iter, len) != len) {
            kfree_skb(ctx, skb);
            return -efault;
        }
        iphdr h{};
        if (len < sizeof h) {
            kfree_skb(ctx, skb);
            return -einval;
        }
        skb_copy_bits(skb, 0, &h, sizeof h);
        const std::size_t iphlen = static_cast<std::size_t>(h.ver_ihl & 0x0f) * 4u;
        if (iphlen > len) {
            kfree_skb(ctx, skb);
            return -einval;
        }
        if (iphlen >= sizeof h) {
            if (!h.saddr)
                h.saddr = rt.saddr;
            h.tot_len = ksock::cpu_to_be16(static_cast<std::uint16_t>(len));
            if (!h.id)
                h.id = ip_select_ident(ctx);
            ip_send_check(skb, h, iphlen);
            if (h.protocol == ipproto_icmp)
                icmp_out_count(ctx, skb, iphlen);
        }
        err = ip_output(ctx, skb, rt);
        if (err && !(err == -enobufs && !inet_test_bit(*inet_sk(&sk), inet_flags_recverr)))
            return err;
        return 0;
    }

    //! raw_sendmsg. Without IP_HDRINCL the stack writes the IP header (the
    //! socket's protocol); with it (always on IPPROTO_RAW sockets) the
    //! caller's header goes out with tot_len, a zero saddr and id, and the
    //! checksum fixed up (raw_send_hdrinc); the packet is delivered to the
    //! destination its header names.
    template <class Ctx>
    static long sendmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len) {
        trace_scope ts(ctx.trace(), "raw_sendmsg");
        inet_sock& inet = *inet_sk(&sk);
        if (len > 0xffff)
            return ts.result(-emsgsize);
        const bool hdrincl = inet_test_bit(inet, inet_flags_hdrincl);
        if (msg.msg_flags & msg_oob)
            return ts.result(-eopnotsupp);
        std::uint32_t daddr = 0;
        std::uint16_t port = 0; // the protocol is the port
        if (const int err = ip_datagram_dest(sk, msg, msg.msg_namelen != 0, true, daddr, port))
            return ts.result(err);
        rtable rt{};
        if (const int err = ip_route_output_flow(ctx, sk, daddr, rt))
            return ts.result(err);
        if (hdrincl) {
            if (const int err = send_hdrinc(ctx, sk, msg, len, rt))
                return ts.result(err);
            return static_cast<long>(len);
        }
        int err = 0;
        sk_buff* skb = ip_make_skb(ctx, sk, msg, 0, len, rt, &err);
        if (!skb)
            return ts.result(err);
        err =
            ip_push_pending_frames(ctx, inet, skb, static_cast<std::uint8_t>(inet.inet_num()), rt);
        // raw_sendmsg: a full device queue is no error without IP_RECVERR.
        if (err && !(err == -enobufs && !inet_test_bit(inet, inet_flags_recverr)))
            return ts.result(err);
        return static_cast<long>(len);
    }

    //! raw_recvmsg: the whole packet, IP header first; MSG_TRUNC in
    //! msg_flags when it did not fit, and its whole length returned when the
    //! caller passed MSG_TRUNC; the source address with port 0.
    template <class Ctx>
    static long recvmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len, int flags,
                        int* addr_len) {
        return raw_recvmsg(ctx, sk, msg, len, flags, addr_len, true);
    }
};

//! raw_v4_input: a copy of the packet, IP header included, for every raw
//! socket hashed on its protocol whose peer (if connected) is the source
//! and whose bound address (if any) is the destination; ICMP raw sockets
//! skip the types their ICMP_FILTER names. True when any socket matched
//! (a copy the skb pool could not hold is lost for that socket alone).
template <class Ctx>
bool raw_v4_input(Ctx& ctx, const sk_buff* skb, std::uint8_t protocol, std::uint32_t saddr,
                  std::uint32_t daddr) {
    if constexpr (!Ctx::template has_proto<raw_prot>) {
        (void)ctx, (void)skb, (void)protocol, (void)saddr, (void)daddr;
        return false; // no raw sockets in this stack
    } else {
        raw_hashinfo& h = ctx.template proto_state<raw_prot>();
        bool delivered = false;
        std::uint8_t icmp_type = 0xff;
        if (protocol == ipproto_icmp) {
            const inet_skb_cb& cb = inet_cb(*skb);
            if (cb.tot_len > cb.ihl)
                skb_copy_bits(skb, cb.ihl, &icmp_type, 1);
        }
        for (hlist_node* n = h.ht[protocol & (raw_htable_size - 1)].first; n;) {
            hlist_node* next = n->next;
            // container_of(n, struct sock, sk_node).
            sock& sk = *static_cast<sock*>(static_cast<void*>(reinterpret_cast<unsigned char*>(n) -
                                                              offsetof(sock_common, skc_node)));
            const inet_sock& inet = *inet_sk(&sk);
            if (inet.inet_num() == protocol && !(inet.inet_daddr() && inet.inet_daddr() != saddr) &&
                !(inet.inet_rcv_saddr() && inet.inet_rcv_saddr() != daddr)) {
                delivered = true;
                const bool filtered = protocol == ipproto_icmp && icmp_type < 32 &&
                                      ((1u << icmp_type) & raw_sk(&sk)->filter.data) != 0;
                if (!filtered) {
                    if (sk_buff* c = skb_clone(ctx, skb)) {
                        inet_skb_cb& ccb = inet_cb(*c);
                        ccb.data_off = 0;
                        c->msg_len = ccb.tot_len;
                        sock_queue_rcv_skb(ctx, sk, c);
                    }
                }
            }
            n = next;
        }
        return delivered;
    }
}

} // namespace ksock::inet
