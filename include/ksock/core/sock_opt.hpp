// ksock/core/sock_opt.hpp: what the SOL_SOCKET options share (net/core/sock.c,
// include/net/sock.h): the buffer floors, the socket predicates, the
// timeout conversions, the buffer setters and sock_error().
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>

#include <ksock/core/uaccess.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/runtime/jiffies.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

//! TCP_SKB_MIN_TRUESIZE = 2048 + SKB_DATA_ALIGN(sizeof(struct sk_buff)): the
//! sk_buff of a 64-bit kernel is 232 bytes, 256 once cache-aligned.
inline constexpr int tcp_skb_min_truesize = 2048 + 256;
//! SOCK_MIN_SNDBUF: the floor of SO_SNDBUF (probe: setting 0 reads 4608).
inline constexpr int sock_min_sndbuf = 2 * tcp_skb_min_truesize;
//! SOCK_MIN_RCVBUF: the floor of SO_RCVBUF (probe: setting 0 reads 2304).
inline constexpr int sock_min_rcvbuf = tcp_skb_min_truesize;

//! SOCK_TXREHASH_DEFAULT: SO_TXREHASH -1 means "the netns default".
inline constexpr std::uint8_t sock_txrehash_default = 255;

inline constexpr long usec_per_sec = 1000000L; //!< USEC_PER_SEC: SO_RCVTIMEO's conversions

namespace detail {

// --- socket predicates (include/net/sock.h) -------------------------------------
constexpr bool sk_is_inet(const sock& sk) noexcept {
    return sk.sk_family() == af_inet || sk.sk_family() == af_inet6;
}
constexpr bool sk_is_tcp(const sock& sk) noexcept {
    return sk_is_inet(sk) && sk.sk_type == sock_stream && sk.sk_protocol == ipproto_tcp;
}
//! 6.16+: SCM options (SO_PASSCRED, SO_PASSSEC) exist only where SCM messages
//! can be received; everywhere else they are EOPNOTSUPP, get and set alike.
constexpr bool sk_may_scm_recv(const sock& sk) noexcept {
    return sk.sk_family() == af_unix || sk.sk_family() == af_netlink ||
           sk.sk_family() == af_bluetooth;
}
constexpr bool socket_test_flag(const socket& s, socket_flags_bit b) noexcept {
    return (s.flags >> b) & 1UL;
}
constexpr void socket_assign_flag(socket& s, socket_flags_bit b, bool on) noexcept {
    if (on)
        s.flags |= 1UL << b;
    else
        s.flags &= ~(1UL << b);
}
//! sk_dst_reset(): forget the cached route (a slot of PF_INET's route
//! cache, inet/ip/dst_cache.hpp; nothing to release: the slots are not
//! reference-counted).
constexpr void sk_dst_reset(sock& sk) noexcept {
    sk.sk_dst_cache = nullptr;
}

// --- timeouts (sock_get_timeout / sock_copy_user_timeval / sock_set_timeout) ---
//! The value SO_RCVTIMEO/SO_SNDTIMEO report; MAX_SCHEDULE_TIMEOUT ("forever")
//! reads as 0 s 0 us, the same as the 0 a user sets to mean forever.
constexpr sock_timeval sock_get_timeout(long timeo) noexcept {
    if (timeo == max_schedule_timeout)
        return {0, 0};
    return {timeo / hz, ((timeo % hz) * usec_per_sec) / hz};
}

inline int sock_set_timeout(long& timeo, const void* optval, socklen_t optlen, bool old_timeval) {
    sock_timeval tv{};
    if (old_timeval) {
        timeval old{};
        if (optlen < sizeof(old))
            return -einval;
        if (!copy_from_user(&old, optval, sizeof(old)))
            return -efault;
        tv.tv_sec = old.tv_sec;
        tv.tv_usec = old.tv_usec;
    } else {
        if (optlen < sizeof(tv))
            return -einval;
        if (!copy_from_user(&tv, optval, sizeof(tv)))
            return -efault;
    }
    if (tv.tv_usec < 0 || tv.tv_usec >= usec_per_sec)
        return -edom;
    // A negative time is accepted and means "do not wait" (0), not an error;
    // Linux only logs it (rate-limited).
    if (tv.tv_sec < 0) {
        timeo = 0;
        return 0;
    }
    long val = max_schedule_timeout;
    if ((tv.tv_sec || tv.tv_usec) && tv.tv_sec < (max_schedule_timeout / hz - 1))
        val = static_cast<long>(tv.tv_sec) * hz +
              static_cast<long>((static_cast<unsigned long>(tv.tv_usec) +
                                 static_cast<unsigned long>(usec_per_sec / hz) - 1) /
                                static_cast<unsigned long>(usec_per_sec / hz));
    timeo = val;
    return 0;
}

//! min_t(u32, val, limit), back in an int: a negative val counts as huge.
constexpr int min_u32(int val, int limit) noexcept {
    const auto a = static_cast<std::uint32_t>(val);
    const auto b = static_cast<std::uint32_t>(limit);
    return static_cast<int>(a < b ? a : b);
}

//! The tail of SO_SNDBUF / SO_SNDBUFFORCE: the value is doubled for the
//! sk_buff overhead (what getsockopt then reports), with INT_MAX/2 keeping
//! the product an int, and locked against autotuning. (Linux then wakes
//! writers through sk_write_space; ksock has no waiters yet.)
constexpr void sock_set_sndbuf(sock& sk, int val) noexcept {
    if (val > INT_MAX / 2)
        val = INT_MAX / 2;
    sk.sk_userlocks |= sock_sndbuf_lock;
    sk.sk_sndbuf = val * 2 > sock_min_sndbuf ? val * 2 : sock_min_sndbuf;
}
//! __sock_set_rcvbuf().
constexpr void sock_set_rcvbuf(sock& sk, int val) noexcept {
    if (val > INT_MAX / 2)
        val = INT_MAX / 2;
    sk.sk_userlocks |= sock_rcvbuf_lock;
    sk.sk_rcvbuf = val * 2 > sock_min_rcvbuf ? val * 2 : sock_min_rcvbuf;
}

} // namespace detail

//! sk_set_peek_off(): the set_peek_off of the inet stream and unix ops.
inline int sk_set_peek_off(sock& sk, int val) noexcept {
    sk.sk_peek_off = val;
    return 0;
}

} // namespace ksock
