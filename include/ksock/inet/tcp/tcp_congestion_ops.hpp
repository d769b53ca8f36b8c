// ksock/inet/tcp/tcp_congestion_ops.hpp: the congestion-control algorithms a stack
// knows by name (struct tcp_congestion_ops; net/ipv4/tcp_cong.c).
//
// Creation only needs what tcp_assign_congestion_control() reads: the name,
// looked up from net.ipv4.tcp_congestion_control, with Reno as the fallback
// that is always built in; an established connection sizes its send buffer
// with the sndbuf_expand factor. The algorithms themselves belong to the data
// path.
#pragma once

#include <cstdint>

#include <ksock/uapi/tcp.hpp>

namespace ksock::inet {

//! TCP_CONG_* flags (include/net/tcp.h): the algorithm may be chosen without CAP_NET_ADMIN
//! (TCP_CONG_NON_RESTRICTED); it needs ECN (TCP_CONG_NEEDS_ECN).
//!@{
inline constexpr std::uint32_t tcp_cong_non_restricted = 0x1;
inline constexpr std::uint32_t tcp_cong_needs_ecn = 0x2;
//!@}

//! struct tcp_congestion_ops (include/net/tcp.h), the parts setsockopt(TCP_CONGESTION) and the send
//! buffer read: the name, the flags, the buffer factor.
struct tcp_congestion_ops {
    //! TCP_CONGESTION's name ("cubic").
    char name[tcp_ca_name_max];
    //! TCP_CONG_* flags.
    std::uint32_t flags;
    //! What the sndbuf_expand hook returns (tcp_sndbuf_expand's factor of
    //! send buffer per segment of the window); 0: no hook, the factor is 2.
    std::uint32_t sndbuf_expand;
};

//! The algorithms Linux 6.18 builds in on a typical configuration; Reno is
//! mandatory and first (tcp_reno is the fallback of every assignment). BBR
//! asks for a send buffer of three windows (bbr_sndbuf_expand: "Provision
//! 3 * cwnd since BBR may slow-start even during recovery").
//!@{
inline constexpr tcp_congestion_ops tcp_reno{"reno", tcp_cong_non_restricted, 0};
inline constexpr tcp_congestion_ops tcp_cubic{"cubic", 0, 0};
inline constexpr tcp_congestion_ops tcp_bbr{"bbr", 0, 3};
//!@}

//! The algorithms by name, in the order tcp_ca_find walks them.
inline constexpr const tcp_congestion_ops* tcp_cong_list[] = {&tcp_reno, &tcp_cubic, &tcp_bbr};

namespace detail {
constexpr bool ca_name_eq(const char* a, const char* b) noexcept {
    for (int i = 0; i < tcp_ca_name_max; ++i) {
        if (a[i] != b[i])
            return false;
        if (a[i] == '\0')
            return true;
    }
    return true;
}
} // namespace detail

//! tcp_ca_find(), or \p fallback when no algorithm has that name. It never
//! compares a found address with null, so it stays a constant expression
//! where g++ cannot assume an inline variable's address is non-null: under
//! -fno-delete-null-pointer-checks, which -fsanitize=null implies.
constexpr const tcp_congestion_ops* tcp_ca_find_or(const char* name,
                                                   const tcp_congestion_ops* fallback) noexcept {
    for (const tcp_congestion_ops* ca : tcp_cong_list)
        if (detail::ca_name_eq(ca->name, name))
            return ca;
    return fallback;
}

//! tcp_ca_find(): the algorithm called \p name (at most 15 characters), or null.
constexpr const tcp_congestion_ops* tcp_ca_find(const char* name) noexcept {
    return tcp_ca_find_or(name, nullptr);
}

} // namespace ksock::inet
