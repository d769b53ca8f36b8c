// ksock/inet/tcp/tcp.hpp: tcp_prot (net/ipv4/tcp_ipv4.c, net/ipv4/tcp.c): the TCP
// proto with tcp_v4_init_sock / tcp_init_sock, tcp_close and
// tcp_v4_destroy_sock.
#pragma once

#include <cstddef>

#include <ksock/core/sock_init.hpp>
#include <ksock/inet/inet_hashtables.hpp>
#include <ksock/inet/inet_kfunc.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp_congestion_ops.hpp>
#include <ksock/inet/tcp/tcp_input.hpp>
#include <ksock/inet/tcp/tcp_keepalive.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/inet/tcp/tcp_sockopt.hpp>
#include <ksock/inet/tcp/tcp_stream.hpp>
#include <ksock/inet/tcp/tcp_v4_rcv.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/runtime/jiffies.hpp>
#include <ksock/runtime/net.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/tcp.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

//! tcp_prot (struct proto "TCP", net/ipv4/tcp_ipv4.c): TCP's sock-level operations and object type.
struct tcp_prot {
    //! struct proto's .name, the object type and its size, and what processes a backlogged skb
    //! (tcp_v4_do_rcv).
    //!@{
    static constexpr const char* name = "TCP";
    using obj_type = tcp_sock;
    static constexpr std::size_t obj_size = sizeof(tcp_sock);
    static constexpr kfunc backlog_rcv = kf::tcp_v4_do_rcv;
    //!@}
    //! The TIME_WAIT mini-socks (tcp_death_row).
    using state_type = tcp_state_type;
    //! inet_sendmsg does not autobind: connect() binds (tcp_sendmsg has no
    //! use for a port on an unconnected socket).
    static constexpr bool no_autobind = true;

    //! The constexpr default image of a fresh TCP socket (defined with the
    //! family, which knows the protosw entry's flags).
    static const tcp_sock defaults;

    //! tcp_init_sock + tcp_v4_init_sock: every value that does not depend on
    //! the object's address. Fields Linux sets to zero (out_of_order_queue
    //! and tcp_rtx_queue = RB_ROOT, icsk_pending, icsk_ack.pending, the
    //! congestion-control private area, tsoffset) are zero from sk_alloc.
    static constexpr void init_values(tcp_sock& tp, const ipv4_sysctl& s) noexcept {
        init_values(tp, s, tcp_ca_find_or(s.tcp_congestion_control, &tcp_reno));
    }
    //! The same, with the namespace's congestion control already resolved.
    static constexpr void init_values(tcp_sock& tp, const ipv4_sysctl& s,
                                      const tcp_congestion_ops* ca) noexcept {
        init_fixed_values(tp);
        init_sysctl_values(tp, s, ca);
    }

    //! The values of tcp_init_sock that no sysctl changes.
    static constexpr void init_fixed_values(tcp_sock& tp) noexcept {
        inet_connection_sock& icsk = tp.inet_conn;
        sock& sk = icsk.icsk_inet.sk;
        // tcp_init_xmit_timers
        timer_setup(icsk.icsk_retransmit_timer, kf::tcp_write_timer);
        timer_setup(icsk.icsk_delack_timer, kf::tcp_delack_timer);
        timer_setup(sk.sk_timer, kf::tcp_keepalive_timer);
        hrtimer_setup(tp.pacing_timer, kf::tcp_pace_kick, hrtimer_mode::abs_pinned_soft);
        hrtimer_setup(tp.compressed_ack_timer, kf::tcp_compressed_ack_kick,
                      hrtimer_mode::rel_pinned_soft);
        icsk.icsk_rto = tcp_timeout_init;
        icsk.icsk_delack_max = tcp_delack_max;
        tp.mdev_us = jiffies_to_usecs(tcp_timeout_init);
        for (minmax_sample& m : tp.rtt_min.s) // minmax_reset(&rtt_min, now, ~0U)
            m = {0, ~0U};
        tp.snd_cwnd = tcp_init_cwnd;
        tp.app_limited = ~0U;
        tp.rate_app_limited = 1;
        tp.snd_ssthresh = tcp_infinite_ssthresh;
        tp.snd_cwnd_clamp = ~0U;
        tp.mss_cache = tcp_mss_default;
        tp.mss_clamp = tcp_mss_default;
        tp.rack.reo_wnd_steps = 1;
        sk.sk_write_space = kfunc::sk_stream_write_space;
        sock_set_flag(sk, sock_use_write_queue);
        icsk.icsk_sync_mss = kf::tcp_sync_mss;
        tp.scaling_ratio = tcp_default_scaling_ratio;
        // tcp_v4_init_sock
        icsk.icsk_af_ops = kf::ipv4_specific;
    }

    //! The values of tcp_init_sock that net.ipv4's sysctls give.
    static constexpr void init_sysctl_values(tcp_sock& tp, const ipv4_sysctl& s,
                                             const tcp_congestion_ops* ca) noexcept {
        inet_connection_sock& icsk = tp.inet_conn;
        sock& sk = icsk.icsk_inet.sk;
        icsk.icsk_rto_max = static_cast<std::uint32_t>(
            msecs_to_jiffies(static_cast<std::uint32_t>(s.tcp_rto_max_ms)));
        icsk.icsk_rto_min = static_cast<std::uint32_t>(
            usecs_to_jiffies(static_cast<std::uint32_t>(s.tcp_rto_min_us)));
        tp.reordering = static_cast<std::uint32_t>(s.tcp_reordering);
        // tcp_assign_congestion_control: the netns default, Reno if unknown.
        icsk.icsk_ca_ops = ca;
        sk.sk_sndbuf = s.tcp_wmem[1];
        sk.sk_rcvbuf = s.tcp_rmem[1];
    }

    //! tcp_v4_init_sock / tcp_init_sock: the initial RTO, windows, MSS, timers and buffers.
    template <class Ctx>
    static int init(Ctx& ctx, sock& sk) {
        init_fixed_values(*tcp_sk(&sk));
        init_after_image(ctx, sk);
        auto& tr = ctx.trace();
        if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
            tcp_sock& tp = *tcp_sk(&sk);
            tr.note("tcp_v4_init_sock -> tcp_init_sock");
            tr.field("icsk_rto (jiffies, HZ=1000)", tp.inet_conn.icsk_rto);
            tr.field("icsk_rto_min", tp.inet_conn.icsk_rto_min);
            tr.field("icsk_rto_max", tp.inet_conn.icsk_rto_max);
            tr.field("icsk_delack_max", tp.inet_conn.icsk_delack_max);
            tr.field("mdev_us", tp.mdev_us);
            tr.field("snd_cwnd", tp.snd_cwnd);
            tr.field("snd_ssthresh", tp.snd_ssthresh);
            tr.field("snd_cwnd_clamp", tp.snd_cwnd_clamp);
            tr.field("mss_cache", tp.mss_cache);
            tr.field("reordering", tp.reordering);
            tr.text("icsk_ca_ops", tp.inet_conn.icsk_ca_ops->name);
            tr.text("icsk_af_ops", kf::name(tp.inet_conn.icsk_af_ops));
            tr.text("sk_write_space", kf::name(sk.sk_write_space));
            tr.field("sk_sndbuf (tcp_wmem[1])", sk.sk_sndbuf);
            tr.field("sk_rcvbuf (tcp_rmem[1])", sk.sk_rcvbuf);
            tr.text("icsk_retransmit_timer", kf::name(tp.inet_conn.icsk_retransmit_timer.function));
            tr.text("icsk_delack_timer", kf::name(tp.inet_conn.icsk_delack_timer.function));
            tr.text("sk_timer (keepalive)", kf::name(sk.sk_timer.function));
        }
        return 0;
    }

    //! init on a copy of the image: the lists that point at themselves, the
    //! sysctls' values, zero-copy support, the socket count.
    template <class Ctx>
    static int init_after_image(Ctx& ctx, sock& sk) {
        tcp_sock& tp = *tcp_sk(&sk);
        init_list_head(tp.tsq_node);
        init_list_head(tp.tsorted_sent_queue);
        netns_ipv4& ns = ipv4_net(ctx);
        init_sysctl_values(tp, ns.sysctl, ns.tcp_congestion_default());
        if (sk.sk_socket)
            sk.sk_socket->flags |= 1UL << sock_support_zc;
        ++ctx.net().sockets_allocated; // sk_sockets_allocated_inc
        return 0;
    }

    //! tcp_v4_destroy_sock: timers stopped, queues purged (empty), the
    //! sockets_allocated counter dropped.
    template <class Ctx>
    static void destroy(Ctx& ctx, sock& sk) {
        tcp_sock& tp = *tcp_sk(&sk);
        tp.inet_conn.icsk_retransmit_timer.pending = 0;
        tp.inet_conn.icsk_delack_timer.pending = 0;
        sk.sk_timer.pending = 0;
        --ctx.net().sockets_allocated;
    }

    //! tcp_close (tcp_stream.hpp).
    template <class Ctx>
    static void close(Ctx& ctx, sock& sk, long timeout) {
        tcp_close_sock<tcp_prot>(ctx, sk, timeout);
    }

    //! inet_csk_get_port.
    template <class Ctx>
    static int get_port(Ctx& ctx, sock& sk, unsigned short snum) {
        return inet_csk_get_port<tcp_prot>(ctx, sk, snum);
    }
    //! tcp_v4_connect.
    template <class Ctx>
    static int connect(Ctx& ctx, sock& sk, const sockaddr* uaddr, int addr_len) {
        return tcp_v4_connect<tcp_prot>(ctx, sk, uaddr, addr_len);
    }
    //! tcp_disconnect.
    template <class Ctx>
    static int disconnect(Ctx& ctx, sock& sk, int flags) {
        tcp_owner<tcp_prot, Ctx> owner(ctx, sk);
        return tcp_disconnect<tcp_prot>(ctx, sk, flags);
    }
    //! tcp_shutdown.
    template <class Ctx>
    static void shutdown(Ctx& ctx, sock& sk, int how) {
        tcp_owner<tcp_prot, Ctx> owner(ctx, sk);
        tcp_shutdown<tcp_prot>(ctx, sk, how);
    }
    //! tcp_sendmsg.
    template <class Ctx>
    static long sendmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t size) {
        return tcp_sendmsg<tcp_prot>(ctx, sk, msg, size);
    }
    //! tcp_recvmsg.
    template <class Ctx>
    static long recvmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len, int flags,
                        int* addr_len) {
        return tcp_recvmsg<tcp_prot>(ctx, sk, msg, len, flags, addr_len);
    }
    //! ->ioctl (tcp_ioctl): SIOCINQ, SIOCATMARK, SIOCOUTQ, SIOCOUTQNSD.
    template <class Ctx>
    static int ioctl(Ctx&, sock& sk, unsigned long cmd, int* karg) {
        return tcp_ioctl(sk, cmd, karg);
    }

    //! The timers: SYN retransmission, delayed ACK, FIN_WAIT2, TIME_WAIT.
    template <class Ctx>
    static void on_tick(Ctx& ctx) {
        tcp_on_tick<tcp_prot>(ctx);
    }
    //! How long until on_tick has work (stack::next_timer).
    template <class Ctx>
    static long next_timer(Ctx& ctx) {
        return tcp_next_timer<tcp_prot>(ctx);
    }

    //! tcp_getsockopt: SOL_TCP, then SOL_IP.
    template <class Entry, class Ctx>
    static int getsockopt(Ctx& ctx, ksock::socket& so, int level, int optname, void* optval,
                          socklen_t* optlen) {
        return tcp_getsockopt(so, level, optname, optval, optlen, ctx.current_cred(),
                              ipv4_net(ctx));
    }
    //! tcp_setsockopt: SOL_TCP, then SOL_IP. After a SOL_TCP option, what
    //! waits is pushed (TCP_NODELAY, TCP_CORK) and the keepalive timer follows
    //! TCP_KEEPIDLE.
    template <class Entry, class Ctx>
    static int setsockopt(Ctx& ctx, ksock::socket& so, int level, int optname, const void* optval,
                          socklen_t optlen) {
        const std::uint8_t before = tcp_of(*so.sk).nonagle;
        const int err =
            tcp_setsockopt(so, level, optname, optval, optlen, ctx.current_cred(), ipv4_net(ctx));
        if (!err && level == sol_tcp) {
            tcp_owner<tcp_prot, Ctx> owner(ctx, *so.sk);
            tcp_push_pending_frames(ctx, *so.sk, before);
            if (optname == tcp_keepidle)
                tcp_anchor_keepalive(ctx, *so.sk);
        }
        return err;
    }

    //! __tcp_sock_set_nodelay / __tcp_sock_set_cork: setting TCP_NODELAY,
    //! or taking TCP_CORK away, pushes what the write queue holds
    //! (TCP_NAGLE_PUSH passes the Nagle test, corked or not). The push flag
    //! lasts for that push only: a later send is corked again.
    template <class Ctx>
    static void tcp_push_pending_frames(Ctx& ctx, sock& sk, std::uint8_t before) {
        tcp_sock& tp = tcp_of(sk);
        const bool push = tp.nonagle & tcp_nagle_push;
        const bool uncorked = (before & tcp_nagle_cork) && !(tp.nonagle & tcp_nagle_cork);
        tp.nonagle &= static_cast<std::uint8_t>(~tcp_nagle_push);
        if (push || uncorked)
            tcp_data_snd_check<tcp_prot>(ctx, sk, push ? tcp_nagle_push : -1);
    }

    //! tcp_set_keepalive: SO_KEEPALIVE's hook.
    template <class Ctx>
    static void keepalive(Ctx& ctx, sock& sk, bool val) {
        tcp_set_keepalive(sk, val, ipv4_net(ctx));
        tcp_anchor_keepalive(ctx, sk);
    }

    //! A connection on a device keeps its keepalive timer in absolute
    //! jiffies: SO_KEEPALIVE and TCP_KEEPIDLE arm it from now.
    template <class Ctx>
    static void tcp_anchor_keepalive(Ctx& ctx, sock& sk) {
        tcp_sock& tp = tcp_of(sk);
        if constexpr (requires { ctx.jiffies(); }) { // (option tests use a context without a clock)
            if (tp.segments)
                tp.keepalive_at = sk.sk_timer.pending ? ctx.jiffies() + sk.sk_timer.expires : 0;
        }
    }
};

} // namespace ksock::inet
