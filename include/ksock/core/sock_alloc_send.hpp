// ksock/core/sock_alloc_send.hpp: sock_alloc_send_pskb (net/core/sock.c),
// the sender's skb of a datagram or unix message, charged to its send
// memory.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/core/datagram.hpp>
#include <ksock/core/skbuff.hpp>
#include <ksock/core/sock_wait.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/msghdr.hpp>

namespace ksock {

//! sock_alloc_send_pskb: an skb for \p len bytes, charged \p truesize to
//! \p sk's send memory (skb_set_owner_w) until whoever consumes it frees it.
//! A pending error is reported (and taken) first, then SEND_SHUTDOWN
//! (EPIPE); while sk_wmem_alloc has reached sk_sndbuf the socket is marked
//! SOCK_NOSPACE and the call waits as SO_SNDTIMEO allows (EAGAIN); an
//! empty skb pool is ENOBUFS.
template <class Ctx>
sk_buff* sock_alloc_send_pskb(Ctx& ctx, sock& sk, std::size_t len, std::uint32_t truesize,
                              bool noblock, int* err) {
    long timeo = sock_sndtimeo<Ctx>(sk, noblock);
    for (;;) {
        if (const int e = sock_error(sk)) {
            *err = e;
            return nullptr;
        }
        if (sk.sk_shutdown & send_shutdown) {
            *err = -epipe;
            return nullptr;
        }
        if (sk_wmem_alloc_get(sk) < sk.sk_sndbuf)
            break;
        if (sk.sk_socket)
            sk.sk_socket->flags |= 1UL << sock_nospace;
        *err = -eagain;
        if (!timeo)
            return nullptr;
        // sock_wait_for_wmem; EAGAIN (already in *err) once the time runs
        // out, sock_intr_errno when a signal ends the wait.
        if (!sk_wait_event(ctx, timeo, [&] {
                return sk.sk_err || (sk.sk_shutdown & send_shutdown) ||
                       sk_wmem_alloc_get(sk) < sk.sk_sndbuf;
            })) {
            if (timeo && ctx.signal_pending())
                *err = sock_intr_errno(timeo);
            return nullptr;
        }
    }
    sk_buff* skb = alloc_skb(ctx, len);
    if (!skb) {
        *err = -enobufs;
        return nullptr;
    }
    skb->truesize = truesize;
    skb_set_owner_w(skb, sk);
    return skb;
}

} // namespace ksock
