// ksock/inet/inet_connection_sock_ops.hpp: the socket-layer half of a TCP
// connection (net/ipv4/af_inet.c, net/ipv4/inet_connection_sock.c):
// __inet_stream_connect, inet_listen, inet_accept / inet_csk_accept.
#pragma once

#include <cstdint>

#include <ksock/core/sock_wait.hpp>
#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/tcp/tcp_input.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

//! __inet_stream_connect, in Linux's order. \p flags are the file's.
template <class P, class Ctx>
int inet_stream_connect(Ctx& ctx, ksock::socket& so, const sockaddr* uaddr, int addr_len,
                        int flags) {
    sock& sk = *so.sk;
    int err;
    if (uaddr) {
        if (addr_len < static_cast<int>(sizeof(uaddr->sa_family)))
            return -einval;
        if (uaddr->sa_family == af_unspec) {
            err = P::disconnect(ctx, sk, flags);
            so.state = err ? ss_disconnecting : ss_unconnected;
            return err;
        }
    }
    switch (so.state) {
    default:
        return -einval;
    case ss_connected:
        return -eisconn;
    case ss_connecting:
        err = -ealready; // (no TCP_DEFER_CONNECT / fast open in ksock)
        break;
    case ss_unconnected:
        if (sk.sk_state() != tcp_close)
            return -eisconn;
        err = P::connect(ctx, sk, uaddr, addr_len);
        if (err < 0)
            return err;
        so.state = ss_connecting;
        err = -einprogress;
        break;
    }
    const bool nonblock = (flags & o_nonblock) != 0;
    if ((1u << sk.sk_state()) & ((1u << tcp_syn_sent) | (1u << tcp_syn_recv))) {
        if (nonblock) {
            // The decision is made while the socket is owned: the SYN-ACK
            // (or RST) is processed at release_sock, after it.
            tcp_release_cb<P>(ctx, sk);
            return err;
        }
        // inet_wait_for_connect: release_sock first (on lo the answer is
        // there already), then sleep if the handshake is still going. A stack
        // that cannot sleep (timeo 0) answers as Linux's non-blocking call.
        tcp_release_cb<P>(ctx, sk);
        const long timeo0 = sock_sndtimeo<Ctx>(sk, false);
        long timeo = timeo0;
        const bool done = sk_wait_event(ctx, timeo, [&] {
            return !((1u << sk.sk_state()) & ((1u << tcp_syn_sent) | (1u << tcp_syn_recv)));
        });
        // Interrupted: the handshake goes on (SS_CONNECTING: a second
        // connect is EALREADY, a restarted one waits again).
        if (!done && timeo && ctx.signal_pending())
            return sock_intr_errno(timeo0);
        if (!done)
            return err;
    } else {
        tcp_release_cb<P>(ctx, sk);
    }
    if (sk.sk_state() == tcp_close) {
        // sock_error: closed by an RST, a timeout or a disconnect.
        err = sk.sk_err ? -sk.sk_err : -econnaborted;
        sk.sk_err = 0;
        so.state = ss_unconnected;
        if (P::disconnect(ctx, sk, flags))
            so.state = ss_disconnecting;
        return err;
    }
    so.state = ss_connected;
    return 0;
}

//! inet_listen / __inet_listen_sk / inet_csk_listen_start.
template <class P, class Ctx>
int inet_listen(Ctx& ctx, ksock::socket& so, int backlog) {
    sock& sk = *so.sk;
    if (so.state != ss_unconnected || so.type != sock_stream)
        return -einval;
    const std::uint8_t old_state = sk.sk_state();
    if (!((1u << old_state) & ((1u << tcp_close) | (1u << tcp_listen))))
        return -einval;
    sk.sk_max_ack_backlog = static_cast<std::uint32_t>(backlog);
    if (old_state == tcp_listen)
        return 0;
    inet_sock& inet = *inet_sk(&sk);
    tcp_sock& tp = tcp_of(sk);
    // reqsk_queue_alloc: an empty queue; TCP_DEFER_ACCEPT set before
    // listen() stays.
    const std::uint8_t defer = tp.inet_conn.icsk_accept_queue.rskq_defer_accept;
    tp.inet_conn.icsk_accept_queue = request_sock_queue{};
    tp.inet_conn.icsk_accept_queue.rskq_defer_accept = defer;
    sk.sk_ack_backlog = 0;
    sk.sk_state() = tcp_listen;
    if (P::get_port(ctx, sk, inet.inet_num())) {
        sk.sk_state() = tcp_close;
        return -eaddrinuse;
    }
    inet.inet_sport = ksock::cpu_to_be16(inet.inet_num());
    return 0;
}

//! inet_accept: inet_csk_accept takes the first child (or waits), then
//! __inet_accept grafts it onto the new socket.
template <class P, class Ctx>
int inet_accept(Ctx& ctx, ksock::socket& so, ksock::socket& newsock, int flags) {
    sock& sk = *so.sk;
    if (sk.sk_state() != tcp_listen)
        return -einval;
    request_sock_queue& q = tcp_of(sk).inet_conn.icsk_accept_queue;
    if (!q.rskq_accept_head) {
        long timeo = sock_rcvtimeo<Ctx>(sk, (flags & o_nonblock) != 0);
        if (!timeo)
            return -eagain;
        sk_wait_event(ctx, timeo,
                      [&] { return q.rskq_accept_head != nullptr || sk.sk_state() != tcp_listen; });
        if (sk.sk_state() != tcp_listen)
            return -einval;
        if (!q.rskq_accept_head)
            return ctx.signal_pending() ? sock_intr_errno(timeo) : -eagain;
    }
    auto* child = static_cast<tcp_sock*>(q.rskq_accept_head);
    q.rskq_accept_head = child->accept_next;
    if (!q.rskq_accept_head)
        q.rskq_accept_tail = nullptr;
    child->accept_next = nullptr;
    child->parent = nullptr;
    --sk.sk_ack_backlog;
    sock& sk2 = child->inet_conn.icsk_inet.sk;
    if (so.flags & (1UL << sock_support_zc))
        newsock.flags |= 1UL << sock_support_zc;
    // sock_graft
    sk2.sk_wq = &newsock.wq;
    sk2.sk_socket = &newsock;
    sk2.sk_ino = SOCK_INODE(&newsock)->i_ino;
    sk2.sk_uid = SOCK_INODE(&newsock)->i_uid;
    newsock.sk = &sk2;
    newsock.state = ss_connected;
    return 0;
}

} // namespace ksock::inet
