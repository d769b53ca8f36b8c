// ksock/inet/tcp/tcp_stream_memory.hpp: whether a TCP socket may queue more
// (include/net/sock.h's __sk_stream_memory_free with TCP's
// tcp_stream_memory_free, __sk_stream_is_writeable): what tcp_sendmsg
// waits for and what wakes a writer.
#pragma once

#include <cstdint>

#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/objects/sock.hpp>

namespace ksock::inet {

//! __sk_stream_memory_free with TCP's stream_memory_free: room in the send
//! buffer, and fewer bytes not yet sent (write_seq - snd_nxt, shifted left
//! by \p wake: poll asks for half) than TCP_NOTSENT_LOWAT, else
//! net.ipv4.tcp_notsent_lowat. (After tcp_disconnect write_seq is 2 past
//! snd_nxt: a low TCP_NOTSENT_LOWAT takes POLLOUT away.)
template <class Ctx>
bool sk_stream_memory_free(Ctx& ctx, const sock& sk, int wake = 0) noexcept {
    if (sk.sk_wmem_queued >= sk.sk_sndbuf)
        return false;
    const tcp_sock& tp = *tcp_sk(&sk);
    const std::uint32_t lowat =
        tp.notsent_lowat ? tp.notsent_lowat : ipv4_net(ctx).sysctl.tcp_notsent_lowat;
    const std::uint64_t notsent = static_cast<std::uint32_t>(tp.write_seq - tp.snd_nxt);
    return (notsent << wake) < lowat;
}
//! __sk_stream_is_writeable(sk, 1).
template <class Ctx>
bool sk_stream_is_writeable(Ctx& ctx, const sock& sk) noexcept {
    return (sk.sk_sndbuf - sk.sk_wmem_queued) >= (sk.sk_wmem_queued >> 1) &&
           sk_stream_memory_free(ctx, sk, 1);
}

} // namespace ksock::inet
