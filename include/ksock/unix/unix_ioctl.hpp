// ksock/unix/unix_ioctl.hpp: unix_ioctl (net/unix/af_unix.c): SIOCINQ,
// SIOCOUTQ and SIOCATMARK on PF_UNIX sockets.
#pragma once

#include <cstring>

#include <ksock/core/skbuff.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/ioctls.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/unix/unix_sock.hpp>

namespace ksock::unix_domain {

//! unix_inq_len: a stream's inq_len (its unread bytes, as the stream path
//! counts them, see unix_sock); a seqpacket socket's unread bytes; a
//! datagram socket's first message; EINVAL for a listener (its queue holds
//! connections, not data).
inline int unix_inq_len(const sock& sk) noexcept {
    if (sk.sk_state() == tcp_listen)
        return -einval;
    if (sk.sk_type == sock_stream)
        return unix_sk(&sk)->inq_len;
    const sk_buff* skb = skb_peek(sk.sk_receive_queue);
    if (sk.sk_type != sock_seqpacket)
        return skb ? static_cast<int>(skb->msg_len) : 0;
    int amount = 0;
    for (; skb; skb = skb_peek_next(skb, sk.sk_receive_queue))
        amount += static_cast<int>(skb->remaining());
    return amount;
}

//! unix_ioctl. SIOCOUTQ is the send memory still charged (what the peer
//! has not read yet, at its truesize); SIOCATMARK says whether the next
//! byte to read is the out-of-band one, and only a stream has such a byte
//! (EOPNOTSUPP otherwise, before the argument is looked at: the 6.18 stable
//! fix "af_unix: Reject SIOCATMARK on non-stream sockets", as the host has it).
inline int unix_ioctl(const sock& sk, unsigned long cmd, void* arg) noexcept {
    int answ = 0;
    switch (cmd) {
    case siocoutq:
        answ = sk_wmem_alloc_get(sk);
        break;
    case siocinq:
        answ = unix_inq_len(sk);
        if (answ < 0)
            return answ;
        break;
    case siocatmark: {
        if (sk.sk_type != sock_stream)
            return -eopnotsupp;
        const sk_buff* skb = skb_peek(sk.sk_receive_queue);
        if (skb) {
            const sk_buff* oob = unix_sk(&sk)->oob_skb;
            const sk_buff* next = skb_peek_next(skb, sk.sk_receive_queue);
            answ = skb == oob || (!skb->remaining() && (!oob || next == oob));
        }
        break;
    }
    default:
        return -enoioctlcmd;
    }
    if (!arg)
        return -efault;
    std::memcpy(arg, &answ, sizeof answ);
    return 0;
}

} // namespace ksock::unix_domain
