// ksock/inet/raw_sockopt.hpp: the SOL_RAW options of AF_INET raw sockets,
// Linux 6.18's raw_getsockopt / raw_setsockopt (net/ipv4/raw.c).
#pragma once

#include <cstddef>

#include <ksock/core/sock_getsockopt.hpp>
#include <ksock/core/sock_opt.hpp>
#include <ksock/core/sock_setsockopt.hpp>
#include <ksock/inet/ip/ip_sockglue.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/raw_sock.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/icmp.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

//! raw_setsockopt(): SOL_RAW is the raw socket's own level; others go to
//! ip_setsockopt. ICMP_FILTER exists only on an IPPROTO_ICMP raw socket
//! (EOPNOTSUPP elsewhere). It takes up to 4 bytes and, unlike the int
//! options, accepts a shorter value: only the bytes given are replaced.
inline int raw_setsockopt(ksock::socket& s, int level, int optname, const void* optval,
                          socklen_t optlen, const cred& cr) {
    if (level != sol_raw)
        return ip_setsockopt(s, level, optname, optval, optlen, cr);
    if (optname != icmp_filter_opt)
        return -enoprotoopt;
    raw_sock& rp = *raw_sk(s.sk);
    if (rp.inet.inet_num() != ipproto_icmp)
        return -eopnotsupp;
    const std::size_t n = optlen > sizeof(icmp_filter) ? sizeof(icmp_filter) : optlen;
    if (!ksock::copy_from_user(&rp.filter, optval, n))
        return -efault;
    return 0;
}

//! raw_getsockopt(): SOL_RAW ICMP_FILTER (the filter, truncated to the
//! caller's length), other levels to ip_getsockopt.
inline int raw_getsockopt(ksock::socket& s, int level, int optname, void* optval, socklen_t* optlen,
                          const cred& cr, const netns_ipv4& ns) {
    if (level != sol_raw)
        return ip_getsockopt(s, level, optname, optval, optlen, cr, ns);
    if (optname != icmp_filter_opt)
        return -enoprotoopt;
    const raw_sock& rp = *raw_sk(s.sk);
    if (rp.inet.inet_num() != ipproto_icmp)
        return -eopnotsupp;
    int len = 0;
    if (!ksock::get_user_len(optlen, len))
        return -efault;
    if (len < 0)
        return -einval;
    if (len > static_cast<int>(sizeof(icmp_filter)))
        len = sizeof(icmp_filter);
    return ksock::put_len_then_value(optlen, len, optval, &rp.filter);
}

} // namespace ksock::inet
