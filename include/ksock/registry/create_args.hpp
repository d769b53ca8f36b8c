// ksock/registry/create_args.hpp: the checks socket() and socketpair() make of
// their arguments before anything is allocated (__sys_socket_create's flag
// check, __sock_create's range checks), each written once.
#pragma once

#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock {

//! The type argument may carry SOCK_CLOEXEC and SOCK_NONBLOCK above the
//! type; any other bit there is EINVAL (__sys_socket, __sys_socketpair).
constexpr int sock_check_type_flags(int type) noexcept {
    return ((type & ~sock_type_mask) & ~(sock_cloexec | sock_nonblock)) ? -einval : 0;
}

//! __sock_create: a family outside [0, NPROTO) is EAFNOSUPPORT, then a type
//! outside [0, SOCK_MAX) is EINVAL. \p type is without its flags.
constexpr int sock_check_range(int family, int type) noexcept {
    if (family < 0 || family >= nproto)
        return -eafnosupport;
    if (type < 0 || type >= sock_max)
        return -einval;
    return 0;
}

//! (PF_INET, SOCK_PACKET) is served by PF_PACKET: __sock_create's
//! compatibility quirk, applied before the family lookup.
constexpr int sock_effective_family(int family, int type) noexcept {
    return family == pf_inet && (type & sock_type_mask) == sock_packet ? pf_packet : family;
}

} // namespace ksock
