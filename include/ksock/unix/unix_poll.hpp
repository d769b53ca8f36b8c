// ksock/unix/unix_poll.hpp: readiness of PF_UNIX sockets
// (net/unix/af_unix.c: unix_poll for SOCK_STREAM, unix_dgram_poll for
// SOCK_DGRAM and SOCK_SEQPACKET).
#pragma once

#include <ksock/core/datagram.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/unix/unix_common.hpp>

namespace ksock::unix_domain {

//! unix_poll: POLLERR on a pending error; POLLHUP when shut both ways or
//! not connected (CLOSE: an unconnected stream socket reads OUT|HUP);
//! POLLIN|POLLRDNORM|POLLRDHUP once shut for reading; POLLIN with data (or,
//! listening, a connection) queued; POLLPRI while an out-of-band byte waits;
//! writable (POLLOUT|POLLWRNORM|POLLWRBAND)
//! while at most a quarter of the send buffer is in use, never when
//! listening.
inline unsigned unix_poll(const sock& sk) noexcept {
    const std::uint8_t state = sk.sk_state();
    unsigned mask = 0;
    if (sk.sk_err)
        mask |= pollerr;
    const std::uint8_t shutdown = sk.sk_shutdown;
    if (shutdown == shutdown_mask)
        mask |= pollhup;
    if (shutdown & rcv_shutdown)
        mask |= pollrdhup | pollin | pollrdnorm;
    if (!skb_queue_empty(sk.sk_receive_queue))
        mask |= pollin | pollrdnorm;
    if (unix_sk(&sk)->oob_skb)
        mask |= pollpri;
    if ((sk.sk_type == sock_stream || sk.sk_type == sock_seqpacket) && state == tcp_close)
        mask |= pollhup;
    if (unix_writable(sk, state))
        mask |= pollout | pollwrnorm | pollwrband;
    return mask;
}

//! unix_dgram_poll: datagram_poll's first half (datagram_poll_rcv: as
//! unix_poll, plus an error-queue POLLERR), then a seqpacket socket that is
//! CLOSE hangs up, and a datagram socket connected to a
//! receiver whose queue is full (and that is not connected back to it) is
//! not writable.
inline unsigned unix_dgram_poll(sock& sk) noexcept {
    const std::uint8_t state = sk.sk_state();
    unsigned mask = datagram_poll_rcv(sk);
    if (sk.sk_type == sock_seqpacket) {
        if (state == tcp_close)
            mask |= pollhup;
        if (state == tcp_syn_sent)
            return mask;
    }
    bool writable = unix_writable(sk, state);
    if (writable) {
        sock* other = unix_peer(sk);
        if (other && unix_peer(*other) != &sk && unix_recvq_full(*other))
            writable = false;
    }
    if (writable)
        mask |= pollout | pollwrnorm | pollwrband;
    return mask;
}

} // namespace ksock::unix_domain
