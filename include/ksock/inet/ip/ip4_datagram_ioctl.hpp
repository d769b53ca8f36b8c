// ksock/inet/ip/ip4_datagram_ioctl.hpp: SIOCINQ and SIOCOUTQ of a UDP or raw
// socket (net/ipv4/udp.c udp_ioctl, net/ipv4/raw.c raw_ioctl).
#pragma once

#include <ksock/core/skbuff.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/ioctls.hpp>

namespace ksock::inet {

//! udp_ioctl and raw_ioctl, which answer alike over lo: SIOCOUTQ is the send
//! memory still charged, SIOCINQ the length of the first queued message as
//! recvmsg returns it (UDP's payload, first_packet_length; the raw packet,
//! IP header included, skb->len), 0 when none.
inline int ip4_datagram_ioctl(const sock& sk, unsigned long cmd, int* karg) noexcept {
    switch (cmd) {
    case siocoutq:
        *karg = sk_wmem_alloc_get(sk);
        return 0;
    case siocinq: {
        const sk_buff* skb = skb_peek(sk.sk_receive_queue);
        *karg = skb ? static_cast<int>(skb->msg_len) : 0;
        return 0;
    }
    default:
        return -enoioctlcmd;
    }
}

} // namespace ksock::inet
