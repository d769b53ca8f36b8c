// ksock/inet/tcp/tcp_stream.hpp: the user side of TCP (net/ipv4/tcp.c,
// tcp_ipv4.c): tcp_sendmsg, tcp_recvmsg, tcp_shutdown,
// tcp_close, tcp_poll, and the timers run from the stack's tick.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>

#include <ksock/core/skbuff.hpp>
#include <ksock/core/sock_init.hpp>
#include <ksock/core/sock_wait.hpp>
#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/inet_connection_sock.hpp>
#include <ksock/inet/inet_hashtables.hpp>
#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp_input.hpp>
#include <ksock/inet/tcp/tcp_ipv4.hpp>
#include <ksock/inet/tcp/tcp_output.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/inet/tcp/tcp_timer.hpp>
#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/platform.hpp>
#include <ksock/runtime/jiffies.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/ioctls.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

//! sock_error: the pending error, consumed (negative), or 0.
inline int tcp_sock_error(sock& sk) noexcept {
    const int err = sk.sk_err;
    sk.sk_err = 0;
    return -err;
}

//! The SYN retransmission timer, the delayed ACK, TIME_WAIT expiry.
template <class P, class Ctx>
void tcp_on_tick(Ctx& ctx) {
    const unsigned long now = ctx.jiffies();
    for (inet_timewait_sock& tw : ctx.template proto_state<P>().tw)
        if (tw.tw_live && static_cast<long>(now - tw.tw_expires) >= 0)
            tw.tw_live = 0; // inet_twsk_kill
    ctx.template for_each_obj<P>([&](typename P::obj_type& o) {
        sock& sk = o.inet_conn.icsk_inet.sk;
        if (tcp_on_device<Ctx>(o))
            tcp_dev_timers<P>(ctx, sk, now);
        if (o.dack_at && static_cast<long>(now - o.dack_at) >= 0) {
            // tcp_delack_timer_handler: "Delayed ACK missed: leave pingpong mode".
            o.dack_at = 0;
            inet_csk_exit_pingpong_mode(o.inet_conn);
        }
        if (o.probe_at && static_cast<long>(now - o.probe_at) >= 0) {
            // tcp_probe_timer -> tcp_write_wakeup: the corked segment goes.
            o.probe_at = 0;
            tcp_xmit<P>(ctx, sk, tcp_nagle_push);
        }
        if (!o.timer_at || static_cast<long>(now - o.timer_at) < 0)
            return;
        if (o.ack_owed) {
            // tcp_delack_timer_handler: the delayed ACK "missed" in
            // pingpong mode leaves it.
            o.timer_at = 0;
            inet_csk_exit_pingpong_mode(o.inet_conn);
            tcp_send_ack<P>(ctx, sk);
        } else if (sk.sk_state() == tcp_syn_sent) {
            const int max = o.inet_conn.icsk_syn_retries ? o.inet_conn.icsk_syn_retries
                                                         : ipv4_net(ctx).sysctl.tcp_syn_retries;
            if (o.syn_retries >= max) {
                o.timer_at = 0;
                tcp_done_with_error<P>(ctx, sk, etimedout);
                return;
            }
            ++o.syn_retries;
            o.timer_at = now + (static_cast<unsigned long>(o.inet_conn.icsk_rto) << o.syn_retries);
            o.rx_deferred = tcp_v4_rcv_syn<P>(ctx, sk);
            tcp_release_cb<P>(ctx, sk);
        } else if (sk.sk_state() == tcp_fin_wait2 && sock_flag(sk, sock_dead)) {
            o.timer_at = 0; // tcp_keepalive_timer: the orphan's FIN_WAIT2 ends
            tcp_done<P>(ctx, sk);
        } else {
            o.timer_at = 0;
        }
    });
}

//! The milliseconds until tcp_on_tick has something to do (a TIME_WAIT
//! entry or a socket's timer expires), -1 when nothing is armed.
template <class P, class Ctx>
long tcp_next_timer(Ctx& ctx) {
    const unsigned long now = ctx.jiffies();
    long best = -1;
    auto take = [&](unsigned long at) {
        const long d = static_cast<long>(at - now);
        const long left = d < 0 ? 0 : d;
        if (best < 0 || left < best)
            best = left;
    };
    for (const inet_timewait_sock& tw : ctx.template proto_state<P>().tw)
        if (tw.tw_live)
            take(tw.tw_expires);
    ctx.template for_each_obj<P>([&](typename P::obj_type& o) {
        if (o.timer_at)
            take(o.timer_at);
        if (tcp_on_device<Ctx>(o))
            if (const unsigned long at = tcp_dev_next_timer(o))
                take(at);
    });
    return best;
}

//! sk_stream_wait_connect.
template <class P, class Ctx>
int sk_stream_wait_connect(Ctx& ctx, sock& sk, long& timeo) {
    for (;;) {
        if (sk.sk_err)
            return tcp_sock_error(sk);
        if ((1u << sk.sk_state()) & ~((1u << tcp_syn_sent) | (1u << tcp_syn_recv)))
            return -epipe;
        if (!timeo)
            return -eagain;
        if (ctx.signal_pending())
            return sock_intr_errno(timeo);
        tcp_unowned<P>(ctx, sk, [&] {
            return sk_wait_event(ctx, timeo, [&] {
                return sk.sk_err ||
                       ((1u << sk.sk_state()) & ~((1u << tcp_syn_sent) | (1u << tcp_syn_recv)));
            });
        });
    }
}

//! sk_stream_wait_memory's vm_wait: an allocation failed while the send
//! memory was free; sleep up to HZ / 5 jiffies (Linux: a random 2..HZ / 5 + 1)
//! out of \p timeo, or, when the stack cannot sleep, time out (timeo 0).
template <class Ctx>
void sk_stream_wait_vm(Ctx& ctx, long& timeo) {
    if constexpr (Ctx::can_block) {
        long slice = timeo < hz / 5 ? timeo : hz / 5;
        const long asked = slice;
        ctx.wait(slice);
        timeo -= asked - slice;
    } else {
        (void)ctx;
        timeo = 0;
    }
}

//! tcp_sendmsg: bytes into the write queue (the tail skb first), pushed to
//! the peer as its window allows; partial counts are returned.
template <class P, class Ctx>
long tcp_sendmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t size) {
    trace_scope ts(ctx.trace(), "tcp_sendmsg");
    tcp_owner<P, Ctx> owner(ctx, sk);
    const int flags = msg.msg_flags;
    long timeo = sock_sndtimeo<Ctx>(sk, (flags & msg_dontwait) != 0);
    long copied = 0;
    int err = 0;
    if ((1u << sk.sk_state()) & ~((1u << tcp_established) | (1u << tcp_close_wait))) {
        err = sk_stream_wait_connect<P>(ctx, sk, timeo);
        if (err)
            return err;
    }
    // tcp_push's nonagle: MSG_MORE corks this send's last partial segment.
    const int push_nonagle = (flags & msg_more) ? tcp_nagle_cork : tcp_of(sk).nonagle;
    std::size_t left = size;
    while (left) {
        if (sk.sk_err || (sk.sk_shutdown & send_shutdown)) {
            err = -epipe;
            break;
        }
        sk_buff* tail = skb_peek_tail(sk.sk_write_queue);
        std::size_t n = 0;
        const std::size_t room = tail ? tcp_skb_room(tcp_of(sk), tail) : 0;
        // A segment longer than a chunk goes on in a new one (a chain).
        sk_buff* last = room ? tcp_skb_last_chunk(tail) : nullptr;
        const bool new_chunk = last && last->len == last->cap;
        if (room && !new_chunk) {
            n = left < room ? left : room;
            if (n > last->cap - last->len)
                n = last->cap - last->len;
            iov_iter& it = msg.msg_iter;
            // skb_copy_to_page_nocache: a fault inside the chunk adds none
            // of it (copy_from_iter_full), so the queue never holds bytes
            // that write_seq does not count; what earlier chunks copied is
            // returned, else EFAULT.
            if (it.copy_from(last->head + last->len, n) < n) {
                err = -efault;
                break;
            }
            // The PSH of the send before moves on to where this one ends
            // (tcp_sendmsg clears it on the skb its first bytes join).
            if (!copied)
                tcp_cb(*tail).tcp_flags &= static_cast<std::uint8_t>(~tcphdr_psh);
            last->len += static_cast<std::uint32_t>(n);
            tail->msg_len += static_cast<std::uint32_t>(n);
            tcp_cb(*tail).end_seq += static_cast<std::uint32_t>(n);
        } else {
            // Linux charges the send buffer by its own skbs (size_goal
            // bytes, many segments here): the test comes before each, and
            // the segments that go on filling one pass.
            const bool same_goal =
                tcp_of(sk).segments && tail && !tcp_cb(*tail).sent && tcp_goal_room(tcp_of(sk));
            sk_buff* skb =
                (same_goal || sk_stream_memory_free(ctx, sk)) && tcp_may_queue_skb(ctx, tcp_of(sk))
                    ? ctx.skb_alloc()
                    : nullptr;
            if (!skb) {
                // wait_for_space: push what we have (TCP_NAGLE_PUSH), then
                // sk_stream_wait_memory. First sk_flush_backlog: the ACKs
                // this send's segments brought back (on lo, into the
                // backlog) free the queue. (Linux flushes every 16 new
                // skbs of up to 64 KiB; ksock's smaller skbs run out
                // first, so it flushes when they do.)
                tcp_flush_backlog<P>(ctx, sk);
                if (sk_stream_memory_free(ctx, sk) && tcp_may_queue_skb(ctx, tcp_of(sk)))
                    continue;
                tcp_xmit<P>(ctx, sk, tcp_nagle_push);
                if (sk.sk_err || (sk.sk_shutdown & send_shutdown))
                    continue;
                if (sk_stream_memory_free(ctx, sk) && tcp_may_queue_skb(ctx, tcp_of(sk)))
                    skb = ctx.skb_alloc();
            }
            if (!skb) {
                if (sk.sk_socket)
                    sk.sk_socket->flags |= 1UL << sock_nospace;
                if (!timeo) {
                    err = -eagain;
                    break;
                }
                // sk_stream_wait_memory's do_interrupted: what was copied
                // is returned, else EINTR (ERESTARTSYS).
                if (ctx.signal_pending()) {
                    err = sock_intr_errno(timeo);
                    break;
                }
                if (sk_stream_memory_free(ctx, sk)) {
                    // The send memory is free but the skb pool is out (an
                    // allocation failure, not the send buffer): the wait
                    // below would return at once and this loop would never
                    // end. sk_stream_wait_memory sleeps vm_wait jiffies then
                    // and tries again, its time running down.
                    tcp_unowned<P>(ctx, sk, [&] { sk_stream_wait_vm(ctx, timeo); });
                    continue;
                }
                tcp_unowned<P>(ctx, sk, [&] {
                    return sk_wait_event(ctx, timeo, [&] {
                        return sk.sk_err || (sk.sk_shutdown & send_shutdown) ||
                               sk_stream_memory_free(ctx, sk);
                    });
                });
                continue;
            }
            skb->truesize = skb_truesize(skb->cap);
            skb->len = 0;
            skb->msg_len = 0;
            sk.sk_wmem_queued += static_cast<int>(skb->truesize);
            if (new_chunk) {
                last->frag_next = skb;
                tail->truesize += skb->truesize;
                continue;
            }
            tcp_cb(*skb) = tcp_skb_cb{tcp_of(sk).write_seq, tcp_of(sk).write_seq, 0, 0, 0, 0, 0, 0};
            // A new skb of Linux's after one that left (or none).
            if (!tail || tcp_cb(*tail).sent)
                tcp_of(sk).goal_seq = tcp_of(sk).write_seq;
            skb_queue_tail(sk.sk_write_queue, skb);
            continue;
        }
        copied += static_cast<long>(n);
        left -= n;
        tcp_of(sk).write_seq += static_cast<std::uint32_t>(n);
        if (tcp_on_device<Ctx>(tcp_of(sk)) && !tcp_skb_room(tcp_of(sk), tail)) {
            tcp_segment_filled(tcp_of(sk), tail);
            tcp_goal_filled(tcp_of(sk), tail);
        }
        // A segment of size_goal is full: it goes (forced_push /
        // tcp_push_one) while the send goes on. (With MSG_OOB the last
        // byte must leave with the urgent mark.)
        const tcp_sock& tp = tcp_of(sk);
        // (On a device the segment that ends the send waits for its PSH.)
        if (tp.segments ? tcp_skb_room(tp, skb_peek_tail(sk.sk_write_queue)) == 0 && left
                        : tp.write_seq - tp.snd_nxt >= tcp_xmit_size_goal(tp) && !(flags & msg_oob))
            tcp_xmit<P>(ctx, sk, push_nonagle);
    }
    if (copied && (flags & msg_oob))
        tcp_of(sk).snd_up = tcp_of(sk).write_seq; // tcp_mark_urg
    // tcp_remove_empty_skb
    if (sk_buff* t = skb_peek_tail(sk.sk_write_queue); t && t->msg_len == 0) {
        skb_unlink(t, sk.sk_write_queue);
        sk.sk_wmem_queued -= static_cast<int>(t->truesize);
        kfree_skb(ctx, t);
    }
    if (copied) {
        if (tcp_on_device<Ctx>(tcp_of(sk)) && !(flags & msg_more))
            tcp_mark_push(tcp_of(sk), skb_peek_tail(sk.sk_write_queue));
        tcp_xmit<P>(ctx, sk, push_nonagle); // tcp_push (none when nothing was copied)
        return copied;
    }
    return err;
}

//! tcp_recv_urg: the urgent byte, once (MSG_OOB).
inline long tcp_recv_urg(sock& sk, kmsghdr& msg, std::size_t len, int flags) {
    tcp_sock& tp = tcp_of(sk);
    if (sock_flag(sk, sock_urginline) || !tp.urg_data || tp.urg_data == tcp_urg_read)
        return -einval; // "Yes this is right !"
    if (sk.sk_state() == tcp_close && !sock_flag(sk, sock_done))
        return -enotconn;
    if (tp.urg_data & tcp_urg_valid) {
        const auto c = static_cast<unsigned char>(tp.urg_data & 0xff);
        if (!(flags & msg_peek))
            tp.urg_data = tcp_urg_read;
        msg.msg_flags |= msg_oob;
        if (len > 0) {
            if (!(flags & msg_trunc) && msg.msg_iter.copy_to(&c, 1) != 1)
                return -efault;
            return 1;
        }
        msg.msg_flags |= msg_trunc;
        return 0;
    }
    if (sk.sk_state() == tcp_close || (sk.sk_shutdown & rcv_shutdown))
        return 0;
    return -eagain;
}

//! sock_rcvlowat: how many bytes a read waits for: all it asked for with
//! MSG_WAITALL, else SO_RCVLOWAT up to that; at least one.
inline std::size_t tcp_recv_target(const sock& sk, bool waitall, std::size_t len) noexcept {
    const auto lowat = static_cast<std::size_t>(sk.sk_rcvlowat);
    const std::size_t target = waitall ? len : lowat < len ? lowat : len;
    return target ? target : 1;
}

//! The skb holding the byte \p offset bytes past copied_seq (null when the
//! queue ends first), and in \p skip where that byte is in it.
inline sk_buff* tcp_recv_skb_at(sock& sk, std::size_t offset, std::size_t& skip) noexcept {
    skip = offset;
    sk_buff* skb = skb_peek(sk.sk_receive_queue);
    while (skb && skip >= skb->remaining()) {
        skip -= skb->remaining();
        skb = skb_peek_next(skb, sk.sk_receive_queue);
    }
    return skb;
}

//! The urgent byte is behind the reader: it is no longer pending.
inline void tcp_urg_data_passed(tcp_sock& tp) noexcept {
    if (KSOCK_UNLIKELY(tp.urg_data) && static_cast<std::int32_t>(tp.copied_seq - tp.urg_seq) > 0)
        tp.urg_data = 0;
}

//! With urgent data pending: how many of the \p avail bytes at \p seq a
//! read may take: all of them, those before the urgent byte, or none when
//! \p seq is the urgent byte and it is not inline (it is not part of the
//! stream).
inline std::size_t tcp_recv_urg_clamp(const sock& sk, std::uint32_t seq,
                                      std::size_t avail) noexcept {
    const std::uint32_t urg_offset = tcp_sk(&sk)->urg_seq - seq;
    if (urg_offset >= avail)
        return avail;
    if (urg_offset)
        return urg_offset;
    return sock_flag(sk, sock_urginline) ? avail : 0;
}

//! Step over the urgent byte a read has reached: a peek moves past it, a
//! read consumes it.
template <class Ctx>
inline void tcp_recv_skip_urg(Ctx& ctx, sock& sk, bool peek, std::size_t& offset) {
    if (peek)
        ++offset;
    else
        tcp_eat_byte(ctx, sk);
    tcp_urg_data_passed(tcp_of(sk));
}

//! What a read of \p used bytes from \p skb leaves behind: a peek moves
//! its offset and SO_PEEK_OFF on (sk_peek_offset_fwd); a read consumes the
//! bytes, moves SO_PEEK_OFF back (sk_peek_offset_bwd) and frees an skb it
//! emptied (tcp_eat_recv_skb). A peek is the rare case.
template <class Ctx>
inline void tcp_recv_advance(Ctx& ctx, sock& sk, sk_buff* skb, std::size_t used, bool peek,
                             std::size_t& offset) {
    if (KSOCK_UNLIKELY(peek)) {
        offset += used;
        if (sk.sk_peek_off >= 0)
            sk.sk_peek_off += static_cast<int>(used);
    } else {
        skb->consumed += static_cast<std::uint32_t>(used);
        tcp_of(sk).copied_seq += static_cast<std::uint32_t>(used);
        if (sk.sk_peek_off >= 0)
            sk.sk_peek_off = sk.sk_peek_off > static_cast<int>(used)
                                 ? sk.sk_peek_off - static_cast<int>(used)
                                 : 0;
        if (skb->remaining() == 0) {
            skb_unlink(skb, sk.sk_receive_queue);
            kfree_skb(ctx, skb);
        }
    }
    tcp_urg_data_passed(tcp_of(sk));
}

//! The queue holds nothing more to read: true when the read ends here, with
//! \p copied, or with the error or EOF it meets when nothing was copied
//! (the pending error, ENOTCONN, EAGAIN, or sock_intr_errno when the task
//! was interrupted: \p sigpending); false when it is to wait.
inline bool tcp_recv_done(sock& sk, std::size_t target, long timeo, bool sigpending,
                          long& copied) noexcept {
    if (static_cast<std::size_t>(copied) >= target)
        return true;
    if (copied)
        return !timeo || sk.sk_err || sk.sk_state() == tcp_close ||
               (sk.sk_shutdown & rcv_shutdown) || sigpending;
    if (sock_flag(sk, sock_done))
        return true;
    if (sk.sk_err) {
        copied = tcp_sock_error(sk);
        return true;
    }
    if (sk.sk_shutdown & rcv_shutdown)
        return true;
    if (sk.sk_state() == tcp_close) {
        copied = -enotconn;
        return true;
    }
    if (!timeo) {
        copied = -eagain;
        return true;
    }
    if (sigpending) {
        copied = sock_intr_errno(timeo);
        return true;
    }
    return false;
}

//! tcp_cleanup_rbuf + sk_wait_data: tell the peer about the window, then
//! sleep until more data, an error, EOF or the end of \p timeo.
template <class P, class Ctx>
inline void tcp_recv_wait_data(Ctx& ctx, sock& sk, long& timeo, std::size_t copied) {
    tcp_window_update<P>(ctx, sk, copied);
    const std::size_t have = tcp_inq(sk);
    tcp_unowned<P>(ctx, sk, [&] {
        return sk_wait_event(ctx, timeo, [&] {
            return tcp_inq(sk) > have || sk.sk_err || (sk.sk_shutdown & rcv_shutdown) ||
                   sk.sk_state() == tcp_close;
        });
    });
}

//! tcp_recvmsg_locked: the copy loop. A peek reads from SO_PEEK_OFF when
//! set; a read stops at the urgent mark once it has data, and steps over an
//! urgent byte that is not inline (urgent data is rare: unlikely, as in
//! Linux); MSG_TRUNC discards instead of copying.
template <class P, class Ctx>
long tcp_recvmsg_locked(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len, int flags) {
    long timeo = sock_rcvtimeo<Ctx>(sk, (flags & msg_dontwait) != 0);
    const bool peek = (flags & msg_peek) != 0;
    std::size_t offset = 0; // from the queue's head (peek)
    if (peek && sk.sk_peek_off >= 0)
        offset = static_cast<std::size_t>(sk.sk_peek_off);
    const std::size_t target = tcp_recv_target(sk, (flags & msg_waitall) != 0, len);
    long copied = 0;
    // do { } while (len > 0), as Linux: a zero-length read still reports
    // EAGAIN, EOF or the pending error when there is no data.
    do {
        std::size_t skip = 0;
        sk_buff* skb = tcp_recv_skb_at(sk, offset, skip);
        const tcp_sock& tp = tcp_of(sk);
        const std::uint32_t seq = tp.copied_seq + static_cast<std::uint32_t>(offset);
        // At the urgent mark: stop if anything was read.
        if (KSOCK_UNLIKELY(tp.urg_data) && tp.urg_seq == seq && copied)
            break;
        if (!skb) {
            if (tcp_recv_done(sk, target, timeo, ctx.signal_pending(), copied))
                break;
            tcp_recv_wait_data<P>(ctx, sk, timeo, static_cast<std::size_t>(copied));
            continue;
        }
        if (len == 0)
            break;
        std::size_t used = skb->remaining() - skip;
        if (KSOCK_UNLIKELY(tp.urg_data)) {
            used = tcp_recv_urg_clamp(sk, seq, used);
            if (!used) {
                tcp_recv_skip_urg(ctx, sk, peek, offset);
                continue;
            }
        }
        if (used > len)
            used = len;
        if (!(flags & msg_trunc)) {
            const std::size_t got = skb_copy_to_iter(skb, skb->consumed + skip, msg.msg_iter, used);
            if (got < used) {
                if (!copied)
                    copied = -efault;
                break;
            }
        }
        copied += static_cast<long>(used);
        len -= used;
        tcp_recv_advance(ctx, sk, skb, used, peek, offset);
    } while (len > 0);
    // tcp_cleanup_rbuf: a read tells the peer about the window it opened.
    if (!peek)
        tcp_window_update<P>(ctx, sk, copied > 0 ? static_cast<std::size_t>(copied) : 0);
    return copied;
}

//! tcp_recvmsg: a byte stream out of the receive queue (tcp_recvmsg_locked);
//! MSG_PEEK (from SO_PEEK_OFF), MSG_WAITALL, MSG_TRUNC (discard), MSG_OOB
//! (tcp_recv_urg).
template <class P, class Ctx>
long tcp_recvmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len, int flags, int* addr_len) {
    trace_scope ts(ctx.trace(), "tcp_recvmsg");
    *addr_len = 0;
    if (flags & msg_errqueue)
        return -eagain; // inet_recv_error: the error queue is always empty
    if (sk.sk_state() == tcp_listen)
        return -enotconn;
    if (flags & msg_oob)
        return tcp_recv_urg(sk, msg, len, flags);
    tcp_owner<P, Ctx> owner(ctx, sk);
    return tcp_recvmsg_locked<P>(ctx, sk, msg, len, flags);
}

//! tcp_close (named tcp_close_sock: TCP_CLOSE is the state) for a sock in any other state than
//! TCP_CLOSE: unread data or SO_LINGER {1, 0} reset the connection, otherwise a FIN; the sock is
//! orphaned and lives on until its state machine ends (FIN_WAIT1, CLOSING, LAST_ACK) or becomes a
//! TIME_WAIT / FIN_WAIT2 mini-sock.
template <class P, class Ctx>
KSOCK_NOINLINE void tcp_close_connection(Ctx& ctx, sock& sk, long timeout) {
    tcp_lock_sock(sk);
    sk.sk_shutdown = shutdown_mask;
    const std::uint8_t start = sk.sk_state();
    bool data_was_unread = false;
    if (start == tcp_listen) {
        tcp_set_state<P>(ctx, sk, tcp_close);
        inet_csk_listen_stop<P>(ctx, sk);
    } else {
        data_was_unread = tcp_inq(sk) != 0;
        skb_queue_purge(ctx, sk.sk_receive_queue);
        if (sk.sk_state() != tcp_close) {
            if (data_was_unread) {
                tcp_send_reset<P>(ctx, sk); // tcp_send_active_reset
                tcp_set_state<P>(ctx, sk, tcp_close);
            } else if (sock_flag(sk, sock_linger) && !timeout) {
                tcp_disconnect<P>(ctx, sk, 0);
            } else if (tcp_close_state<P>(ctx, sk)) {
                tcp_send_fin<P>(ctx, sk);
            }
        }
        // sk_stream_wait_close: SO_LINGER's time, the close waits while the
        // FIN is unacknowledged (FIN_WAIT1, CLOSING, LAST_ACK). A stack
        // that cannot sleep has run out of it at once.
        while (timeout) {
            const bool closed = sk_wait_event(ctx, timeout, [&] {
                return !(tcpf(sk.sk_state()) &
                         (tcpf(tcp_fin_wait1) | tcpf(tcp_closing) | tcpf(tcp_last_ack)));
            });
            if (closed || ctx.signal_pending())
                break;
        }
    }
    // adjudge_to_death: "remove backlog if any, without releasing
    // ownership" (the answer to the FIN or RST just sent, on lo), then the
    // socket is the stack's alone.
    tcp_flush_backlog<P>(ctx, sk);
    sk.sk_lock.owned = 0;
    sock_orphan(sk);
    if (sk.sk_state() == tcp_fin_wait2) {
        tcp_sock& tp = tcp_of(sk);
        if (tp.linger2 < 0) {
            tcp_send_reset<P>(ctx, sk);
            tcp_set_state<P>(ctx, sk, tcp_close);
        } else {
            const unsigned long tmo =
                tp.linger2 ? static_cast<unsigned long>(tp.linger2)
                           : static_cast<unsigned long>(ipv4_net(ctx).sysctl.tcp_fin_timeout) * hz;
            if (tmo > tcp_timewait_len) {
                tp.timer_at = ctx.jiffies() + tmo;
            } else {
                tcp_enter_time_wait<P>(ctx, sk, tcp_fin_wait2, tmo); // destroys the orphan
                return;
            }
        }
    }
    if (sk.sk_state() == tcp_close) {
        if (tcp_on_device<Ctx>(tcp_of(sk))) { // tcp_v4_destroy_sock: the out-of-order queue
            tcp_clear_dev_timers(tcp_of(sk));
            tcp_ofo_purge(ctx, sk);
        }
        inet_csk_destroy_sock<P>(ctx, sk);
    }
}

//! tcp_close. A sock still in TCP_CLOSE (never connected, or reset) takes
//! __tcp_close's short way, inline: shut, its receive queue purged, orphaned
//! and destroyed (adjudge_to_death with nothing to send); every other state
//! runs the state machine, out of line.
template <class P, class Ctx>
KSOCK_ALWAYS_INLINE inline void tcp_close_sock(Ctx& ctx, sock& sk, long timeout) {
    if (sk.sk_state() != tcp_close) {
        tcp_close_connection<P>(ctx, sk, timeout);
        return;
    }
    sk.sk_shutdown = shutdown_mask;
    skb_queue_purge(ctx, sk.sk_receive_queue);
    sock_orphan(sk);
    inet_csk_destroy_sock<P>(ctx, sk);
}

//! tcp_ioctl's SIOCINQ (Linux's tcp_inq): bytes a read could return now
//! (none before the handshake; up to the urgent byte when one is pending
//! and not inline).
inline int tcp_ioctl_inq(const sock& sk) noexcept {
    const tcp_sock& tp = *tcp_sk(&sk);
    if (tcpf(sk.sk_state()) & (tcpf(tcp_syn_sent) | tcpf(tcp_syn_recv)))
        return 0;
    if (sock_flag(sk, sock_urginline) || !tp.urg_data ||
        static_cast<std::int32_t>(tp.urg_seq - tp.copied_seq) < 0 ||
        static_cast<std::int32_t>(tp.urg_seq - tp.rcv_nxt) >= 0) {
        // "Subtract 1, if FIN was received": rcv_nxt counts it (the
        // loopback model's does not).
        const auto answ = static_cast<int>(tp.rcv_nxt - tp.copied_seq);
        return answ && sock_flag(sk, sock_done) && tp.segments ? answ - 1 : answ;
    }
    return static_cast<int>(tp.urg_seq - tp.copied_seq);
}

//! tcp_ioctl: SIOCINQ, SIOCATMARK, SIOCOUTQ (sent but not acknowledged, and
//! not sent), SIOCOUTQNSD (not sent); a listener has no queues (EINVAL).
inline int tcp_ioctl(const sock& sk, unsigned long cmd, int* karg) noexcept {
    const tcp_sock& tp = *tcp_sk(&sk);
    const bool listening = sk.sk_state() == tcp_listen;
    const bool opening = (tcpf(sk.sk_state()) & (tcpf(tcp_syn_sent) | tcpf(tcp_syn_recv))) != 0;
    switch (cmd) {
    case siocinq:
        if (listening)
            return -einval;
        *karg = tcp_ioctl_inq(sk);
        return 0;
    case siocatmark:
        *karg = tp.urg_data && tp.urg_seq == tp.copied_seq;
        return 0;
    case siocoutq:
        if (listening)
            return -einval;
        *karg = opening ? 0 : static_cast<int>(tp.write_seq - tp.snd_una);
        return 0;
    case siocoutqnsd:
        if (listening)
            return -einval;
        *karg = opening ? 0 : static_cast<int>(tp.write_seq - tp.snd_nxt);
        return 0;
    default:
        return -enoioctlcmd;
    }
}

//! tcp_poll.
template <class Ctx>
unsigned tcp_poll(Ctx& ctx, ksock::socket& so) {
    sock& sk = *so.sk;
    const std::uint8_t state = sk.sk_state();
    if (state == tcp_listen)
        return tcp_of(sk).inet_conn.icsk_accept_queue.rskq_accept_head ? (pollin | pollrdnorm) : 0u;
    unsigned mask = 0;
    const std::uint8_t shutdown = sk.sk_shutdown;
    if (shutdown == shutdown_mask || state == tcp_close)
        mask |= pollhup;
    if (shutdown & rcv_shutdown)
        mask |= pollin | pollrdnorm | pollrdhup;
    if (state != tcp_syn_sent && state != tcp_syn_recv) {
        const tcp_sock& tp = tcp_of(sk);
        std::size_t target = sk.sk_rcvlowat > 0 ? static_cast<std::size_t>(sk.sk_rcvlowat) : 1u;
        if (tp.urg_data && tp.urg_seq == tp.copied_seq && !sock_flag(sk, sock_urginline))
            ++target; // the urgent byte does not count
        if (tcp_inq(sk) >= target)
            mask |= pollin | pollrdnorm;
        if (!(shutdown & send_shutdown)) {
            if (sk_stream_is_writeable(ctx, sk))
                mask |= pollout | pollwrnorm;
            else
                so.flags |= 1UL << sock_nospace;
        } else {
            mask |= pollout | pollwrnorm;
        }
        if (tp.urg_data & tcp_urg_valid)
            mask |= pollpri;
    }
    if (sk.sk_err || !skb_queue_empty(sk.sk_error_queue))
        mask |= pollerr;
    return mask;
}

} // namespace ksock::inet
