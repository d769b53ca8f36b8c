// ksock/inet/ping.hpp: ping_prot (net/ipv4/ping.c): ICMP echo sockets for
// unprivileged users, gated by net.ipv4.ping_group_range. The socket's
// "port" is the ICMP echo identifier: ping_v4_sendmsg writes it into every
// request and ping_rcv gives each echo reply to the socket of its id.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/inet_hash_order.hpp>
#include <ksock/inet/inet_kfunc.hpp>
#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/ip/icmp.hpp>
#include <ksock/inet/ip/ip4_datagram_proto.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/ip/ip_output.hpp>
#include <ksock/inet/ip/ip_sockglue.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/raw_recvmsg.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

//! ping_table: the order socks were hashed in (newest highest, standing for
//! Linux's head-first chains) and the identifier rover.
struct ping_table {
    std::uint32_t hash_seq; //!< the next hash order to give
    std::uint16_t rover;    //!< the next identifier ping_get_port tries
    bool rover_set;         //!< rover holds a value
};

//! ping_prot (struct proto "PING", net/ipv4/ping.c): ICMP echo sockets (SOCK_DGRAM, IPPROTO_ICMP).
struct ping_prot : ip4_datagram_proto<ping_prot, inet_sock> {
    static constexpr const char* name = "PING"; //!< struct proto .name
    //! What processes a backlogged skb.
    static constexpr kfunc backlog_rcv = kf::ping_queue_rcv_skb;
    using state_type = ping_table; //!< the identifier table

    //! A fresh sock of this proto (the image the creation path copies).
    static const inet_sock defaults;

    //! .getsockopt = ip_getsockopt, .setsockopt = ip_setsockopt: SOL_IP only.
    static constexpr auto& getsockopt_fn = ip_getsockopt;
    static constexpr auto& setsockopt_fn = ip_setsockopt; //!< SOL_IP only

    //! ping_init_sock's permission rule: the caller's effective gid, or any
    //! supplementary group, must lie in ping_group_range. No capability
    //! exempts anyone (root included); the default range "1 0" is empty.
    static constexpr bool group_allowed(const cred& c, const ipv4_sysctl& s) noexcept {
        const gid_t low = s.ping_group_range[0];
        const gid_t high = s.ping_group_range[1];
        if (c.egid >= low && c.egid <= high)
            return true;
        for (int i = 0; i < c.ngroups; ++i)
            if (c.groups[i] >= low && c.groups[i] <= high)
                return true;
        return false;
    }

    //! ping_init_sock: refused (EACCES) unless the caller's group is in net.ipv4.ping_group_range.
    template <class Ctx>
    static int init(Ctx& ctx, sock& /*sk*/) {
        const bool ok = group_allowed(ctx.current_cred(), ipv4_net(ctx).sysctl);
        auto& tr = ctx.trace();
        if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
            tr.field("ping_group_range[0]", ipv4_net(ctx).sysctl.ping_group_range[0]);
            tr.field("ping_group_range[1]", ipv4_net(ctx).sysctl.ping_group_range[1]);
            tr.field("egid", ctx.current_cred().egid);
        }
        return ok ? 0 : -eacces;
    }
    //! The image holds no value of ping_init_sock's: only the check is left.
    template <class Ctx>
    static int init_after_image(Ctx& ctx, sock&) {
        return group_allowed(ctx.current_cred(), ipv4_net(ctx).sysctl) ? 0 : -eacces;
    }

    //! f(sock&) for every hashed ping sock.
    template <class Ctx, class F>
    static void for_each_hashed(Ctx& ctx, F&& f) {
        ctx.template for_each_obj<ping_prot>([&](inet_sock& inet) {
            if (inet.inet_num())
                f(inet.sk);
        });
    }

    //! ping_get_port: identifier 0 takes the next one after the rover that
    //! no ping socket holds; an explicit one is refused only when a holder
    //! and this socket do not both have sk_reuse (ping sockets are created
    //! with it, so two may share an id: the newest gets the replies).
    template <class Ctx>
    static int get_port(Ctx& ctx, sock& sk, unsigned short ident) {
        ping_table& t = ctx.template proto_state<ping_prot>();
        if (!ident) {
            if (!t.rover_set) {
                t.rover = static_cast<std::uint16_t>(ctx.net().prandom_u32() >> 16);
                t.rover_set = true;
            }
            auto result = static_cast<std::uint16_t>(t.rover + 1);
            bool found = false;
            for (long i = 0; i < (1L << 16) && !found; ++i, ++result) {
                if (!result)
                    ++result;
                bool used = false;
                for_each_hashed(
                    ctx, [&](sock& sk2) { used = used || inet_sk(&sk2)->inet_num() == result; });
                if (!used) {
                    t.rover = ident = result;
                    found = true;
                }
            }
            if (!found)
                return 1;
        } else {
            bool used = false;
            for_each_hashed(ctx, [&](sock& sk2) {
                used = used || (inet_sk(&sk2)->inet_num() == ident && &sk2 != &sk &&
                                (!sk2.sk_reuse() || !sk.sk_reuse()));
            });
            if (used)
                return 1;
        }
        inet_sk_add_node(sk, ident, t.hash_seq);
        return 0;
    }

    //! ping_unhash: the identifier is given up, with the hash's reference.
    template <class Ctx>
    static void unhash(Ctx&, sock& sk) {
        if (inet_sk_del_node_init(sk))
            inet_sk(&sk)->inet_sport = 0;
    }

    //! ping_bind: ping_check_bind_addr (a whole sockaddr_in; AF_INET, or
    //! AF_UNSPEC with ANY; ANY or a local address: multicast and broadcast
    //! are EADDRNOTAVAIL), then EINVAL when already bound, the identifier
    //! (EADDRINUSE), the address.
    template <class Ctx>
    static int bind(Ctx& ctx, sock& sk, const sockaddr* uaddr, int addr_len) {
        trace_scope ts(ctx.trace(), "ping_bind");
        sockaddr_in addr; // the kernel copy is sockaddr_storage-sized
        if (const int err = sockaddr_in_from(uaddr, addr_len, addr))
            return ts.result(err);
        if (addr.sin_family != af_inet &&
            !(addr.sin_family == af_unspec && addr.sin_addr.s_addr == inaddr_any))
            return ts.result(-eafnosupport);
        inet_sock& inet = *inet_sk(&sk);
        const rtn_type chk = inet_addr_type(ctx, addr.sin_addr.s_addr);
        if (addr.sin_addr.s_addr != inaddr_any &&
            (chk == rtn_multicast || chk == rtn_broadcast ||
             (chk != rtn_local && !inet_can_nonlocal_bind(ipv4_net(ctx).sysctl, inet))))
            return ts.result(-eaddrnotavail);
        if (inet.inet_num())
            return ts.result(-einval);
        const unsigned short snum = ksock::be16_to_cpu(addr.sin_port);
        if (get_port(ctx, sk, snum))
            return ts.result(-eaddrinuse);
        inet.inet_rcv_saddr() = inet.inet_saddr = addr.sin_addr.s_addr;
        inet_bind_finish(sk, snum);
        return 0;
    }

    //! ping_v4_sendmsg: the caller writes the ICMP header; only an echo
    //! request (type 8, code 0) may be sent; the stack puts the socket's
    //! identifier in it and computes the checksum. Only AF_INET addresses
    //! (the port is ignored).
    template <class Ctx>
    static long sendmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len) {
        trace_scope ts(ctx.trace(), "ping_v4_sendmsg");
        inet_sock& inet = *inet_sk(&sk);
        if (len > 0xffff)
            return ts.result(-emsgsize);
        if (len < sizeof(icmphdr))
            return ts.result(-einval);
        if (msg.msg_flags & msg_oob)
            return ts.result(-eopnotsupp);
        icmphdr user{};
        if (msg.msg_iter.copy_from(&user, sizeof user) != sizeof user)
            return ts.result(-efault);
        if (!(user.type == icmp_t_echo && user.code == 0))
            return ts.result(-einval);
        std::uint32_t daddr = 0;
        std::uint16_t port = 0; // ignored
        if (const int err = ip_datagram_dest(sk, msg, msg.msg_name != nullptr, false, daddr, port))
            return ts.result(err);
        rtable rt{};
        if (const int err = ip_route_output_flow(ctx, sk, daddr, rt))
            return ts.result(err);
        int err = 0;
        sk_buff* skb = ip_make_skb(ctx, sk, msg, sizeof(icmphdr), len - sizeof(icmphdr), rt, &err);
        if (!skb)
            return ts.result(err);
        const icmphdr h{icmp_t_echo, 0, 0, inet.inet_sport, user.sequence};
        skb_store_bits(skb, sizeof(iphdr), &h, sizeof h);
        icmp_set_checksum(skb, sizeof(iphdr), len);
        if (const int e = ip_push_pending_frames(ctx, inet, skb, ipproto_icmp, rt))
            return ts.result(e); // ping_v4_sendmsg returns ip_push_pending_frames' error
        return static_cast<long>(len);
    }

    //! ping_recvmsg: one echo reply from its ICMP header on (raw_recvmsg's
    //! path); MSG_TRUNC in msg_flags when it did not fit, the call still
    //! returning what was copied; the sender's address with port 0.
    template <class Ctx>
    static long recvmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len, int flags,
                        int* addr_len) {
        return raw_recvmsg(ctx, sk, msg, len, flags, addr_len, false);
    }
};

//! ping_rcv: an echo reply goes to the newest ping socket holding its
//! identifier (and bound to its destination, or to ANY); a copy from the
//! ICMP header on is queued (sock_queue_rcv_skb).
template <class Ctx>
void ping_rcv(Ctx& ctx, const sk_buff* skb) {
    const inet_skb_cb& cb = inet_cb(*skb);
    icmphdr h{};
    skb_copy_bits(skb, cb.ihl, &h, sizeof h);
    const unsigned short ident = ksock::be16_to_cpu(h.id);
    sock* best = nullptr;
    ping_prot::for_each_hashed(ctx, [&](sock& sk) {
        const inet_sock& inet = *inet_sk(&sk);
        if (inet.inet_num() != ident ||
            (inet.inet_rcv_saddr() && inet.inet_rcv_saddr() != cb.daddr))
            return;
        if (!best || sk.sk_common.skc_hash > best->sk_common.skc_hash)
            best = &sk;
    });
    if (!best)
        return;
    sk_buff* c = skb_clone(ctx, skb);
    if (!c)
        return;
    inet_skb_cb& ccb = inet_cb(*c);
    ccb.data_off = ccb.ihl;
    c->msg_len = static_cast<std::uint32_t>(ccb.tot_len - ccb.ihl);
    sock_queue_rcv_skb(ctx, *best, c);
}

} // namespace ksock::inet
