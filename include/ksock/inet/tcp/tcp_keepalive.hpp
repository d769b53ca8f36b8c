// ksock/inet/tcp/tcp_keepalive.hpp: TCP's keepalive settings (include/net/tcp.h,
// net/ipv4/tcp_timer.c): the effective idle time, interval and probe count
// (a socket's own value, else the namespace's sysctl), and tcp_set_keepalive,
// TCP's sk_prot->keepalive that SO_KEEPALIVE runs.
#pragma once

#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/runtime/jiffies.hpp>

namespace ksock::inet {

//! keepalive_time_when(): idle time before the first probe, in jiffies.
inline int keepalive_time_when(const tcp_sock& tp, const netns_ipv4& ns) noexcept {
    return tp.keepalive_time ? static_cast<int>(tp.keepalive_time)
                             : static_cast<int>(ns.sysctl.tcp_keepalive_time * hz);
}
//! keepalive_intvl_when(): time between probes, in jiffies.
inline int keepalive_intvl_when(const tcp_sock& tp, const netns_ipv4& ns) noexcept {
    return tp.keepalive_intvl ? static_cast<int>(tp.keepalive_intvl)
                              : static_cast<int>(ns.sysctl.tcp_keepalive_intvl * hz);
}
//! keepalive_probes(): unanswered probes before the connection is dropped.
inline int keepalive_probes(const tcp_sock& tp, const netns_ipv4& ns) noexcept {
    return tp.keepalive_probes ? tp.keepalive_probes : ns.sysctl.tcp_keepalive_probes;
}

//! inet_csk_reset_keepalive_timer(sk, len). The keepalive timer is sk_timer;
//! `expires` records the delay (relative, in jiffies) and `pending` that the
//! timer is armed.
inline void inet_csk_reset_keepalive_timer(sock& sk, unsigned long len) noexcept {
    sk.sk_timer.expires = len;
    sk.sk_timer.pending = 1;
}
//! inet_csk_delete_keepalive_timer(sk).
inline void inet_csk_delete_keepalive_timer(sock& sk) noexcept {
    sk.sk_timer.pending = 0;
}

//! tcp_set_keepalive(): TCP's sk_prot->keepalive. Closed and listening
//! sockets have no connection to probe, so only the SO_KEEPALIVE flag changes
//! for them (the caller sets it).
inline void tcp_set_keepalive(sock& sk, bool val, const netns_ipv4& ns) noexcept {
    if (sk.sk_state() == tcp_close || sk.sk_state() == tcp_listen)
        return;
    if (val && !sock_flag(sk, sock_keepopen))
        inet_csk_reset_keepalive_timer(
            sk, static_cast<unsigned long>(keepalive_time_when(*tcp_sk(&sk), ns)));
    else if (!val)
        inet_csk_delete_keepalive_timer(sk);
}

} // namespace ksock::inet
