// ksock/inet/raw_recvmsg.hpp: raw_recvmsg (net/ipv4/raw.c), which
// ping_recvmsg (net/ipv4/ping.c) repeats but for what MSG_TRUNC returns:
// one whole message from where the receiver set data_off, and the sender's
// address with port 0.
#pragma once

#include <cstddef>

#include <ksock/core/datagram.hpp>
#include <ksock/core/skbuff.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

//! raw_recvmsg / ping_recvmsg: MSG_OOB is EOPNOTSUPP, an empty error queue
//! (MSG_ERRQUEUE) EAGAIN; then one message, truncated to \p len with
//! MSG_TRUNC in msg_flags; the call returns what was copied, or the whole
//! message's length when \p trunc_returns_len (raw) and the caller passed
//! MSG_TRUNC. A bad buffer is EFAULT, and the message taken is freed all
//! the same (goto done). SO_PEEK_OFF plays no part.
template <class Ctx>
long raw_recvmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len, int flags, int* addr_len,
                 bool trunc_returns_len) {
    if (flags & msg_oob)
        return -eopnotsupp;
    if (flags & msg_errqueue)
        return -eagain;
    int err = 0;
    sk_buff* skb = skb_recv_datagram(ctx, sk, flags, &err);
    if (!skb)
        return err;
    const inet_skb_cb& cb = inet_cb(*skb);
    std::size_t copied = skb->msg_len;
    if (copied > len) {
        msg.msg_flags |= msg_trunc;
        copied = len;
    }
    long ret = -efault;
    if (skb_copy_to_iter(skb, cb.data_off, msg.msg_iter, copied) == copied) {
        if (msg.msg_name) {
            auto* sin = static_cast<sockaddr_in*>(msg.msg_name);
            sin->sin_family = af_inet;
            sin->sin_port = 0;
            sin->sin_addr.s_addr = cb.saddr;
            for (unsigned char& z : sin->sin_zero)
                z = 0;
            *addr_len = static_cast<int>(sizeof(sockaddr_in));
        }
        ret = static_cast<long>(trunc_returns_len && (flags & msg_trunc) ? skb->msg_len : copied);
    }
    if (!(flags & msg_peek))
        kfree_skb(ctx, skb); // skb_free_datagram
    return ret;
}

} // namespace ksock::inet
