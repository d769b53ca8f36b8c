// ksock/core/uaccess.hpp: copies to and from "user" memory (the caller's
// buffers): copy_{from,to}_user for option values, move_addr_to_{kernel,user}
// for socket addresses, copy_msghdr_from_user for sendmsg/recvmsg.
//
// Linux returns EFAULT when the MMU says a pointer is bad. ksock has no such
// oracle: a null pointer is a fault when bytes must move through it (a
// zero-length copy never faults, as in Linux), but a non-null pointer to too
// little memory cannot be detected and is undefined behaviour, as for any
// C++ API. Values travel through std::memcpy, so any alignment works.
#pragma once

#include <cstddef>
#include <cstring>

#include <ksock/objects/kmsghdr.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

//! MAX_RW_COUNT: the most one read or write moves (INT_MAX & PAGE_MASK).
inline constexpr std::size_t max_rw_count = 0x7ffff000;

//! copy_from_sockptr / copy_to_sockptr: false means EFAULT (a null
//! pointer is the one bad address ksock can see).
//!@{
inline bool copy_from_user(void* dst, const void* src, std::size_t n) noexcept {
    if (n == 0)
        return true;
    if (src == nullptr)
        return false;
    std::memcpy(dst, src, n);
    return true;
}
inline bool copy_to_user(void* dst, const void* src, std::size_t n) noexcept {
    if (n == 0)
        return true;
    if (dst == nullptr)
        return false;
    std::memcpy(dst, src, n);
    return true;
}
//!@}
//! get_user(len, optlen): Linux reads *optlen as an int, so a socklen_t
//! above INT_MAX is a negative length (EINVAL at the callers).
inline bool get_user_len(const socklen_t* optlen, int& len) noexcept {
    return copy_from_user(&len, optlen, sizeof(int));
}
//! put_user(len, optlen): the length written back as an int.
inline bool put_user_len(socklen_t* optlen, int len) noexcept {
    return copy_to_user(optlen, &len, sizeof(int));
}
//! The protocol getters' epilogue (do_ip_getsockopt, tcp_getsockopt ...):
//! put_user(len, optlen), then copy_to_user(optval, src, len); 0 or -EFAULT.
inline int put_len_then_value(socklen_t* optlen, int len, void* optval, const void* src) noexcept {
    if (!put_user_len(optlen, len) || !copy_to_user(optval, src, static_cast<std::size_t>(len)))
        return -efault;
    return 0;
}

//! move_addr_to_kernel: a length outside [0, sizeof(sockaddr_storage)] is
//! EINVAL, 0 copies nothing, a null address with a length is EFAULT.
inline int move_addr_to_kernel(const sockaddr* uaddr, int ulen, sockaddr_storage* kaddr) noexcept {
    if (ulen < 0 || ulen > static_cast<int>(sizeof(sockaddr_storage)))
        return -einval;
    if (ulen == 0)
        return 0;
    if (!uaddr)
        return -efault;
    std::memcpy(kaddr, uaddr, static_cast<std::size_t>(ulen));
    return 0;
}

//! move_addr_to_user: copy at most *ulen bytes of the klen-byte address,
//! then store klen (the full length) in *ulen.
inline int move_addr_to_user(const sockaddr_storage* kaddr, int klen, sockaddr* uaddr,
                             socklen_t* ulen) noexcept {
    if (!ulen)
        return -efault;
    int len = static_cast<int>(*ulen);
    if (len > klen)
        len = klen;
    if (len < 0)
        return -einval;
    if (len) {
        if (!uaddr)
            return -efault;
        std::memcpy(uaddr, kaddr, static_cast<std::size_t>(len));
    }
    *ulen = static_cast<socklen_t>(klen);
    return 0;
}

//! copy_msghdr_from_user + import_iovec into a zeroed \p k: the name
//! checked (and copied in for a send), the iovecs checked and counted.
inline int copy_msghdr_from_user(const msghdr& u, kmsghdr& k, sockaddr_storage* address,
                                 bool for_send) noexcept {
    // __copy_msghdr: without a name the length is ignored (set to 0 before
    // the sign check), so a "negative" one is no error.
    int namelen = u.msg_name ? static_cast<int>(u.msg_namelen) : 0;
    if (namelen < 0)
        return -einval;
    if (namelen > static_cast<int>(sizeof(sockaddr_storage)))
        namelen = static_cast<int>(sizeof(sockaddr_storage));
    // A send copies the name in; a receive only needs the checks (its
    // caller sets where the sender's address goes).
    if (for_send && u.msg_name && namelen) {
        if (const int err =
                move_addr_to_kernel(static_cast<const sockaddr*>(u.msg_name), namelen, address))
            return err;
        k.msg_name = address;
        k.msg_namelen = namelen;
    }
    if (u.msg_iovlen > uio_maxiov)
        return -emsgsize;
    if (u.msg_iovlen && !u.msg_iov)
        return -efault;
    std::size_t total = 0;
    for (std::size_t i = 0; i < u.msg_iovlen; ++i) {
        const std::size_t l = u.msg_iov[i].iov_len;
        if (static_cast<long>(l) < 0)
            return -einval;
        total += l < max_rw_count - total ? l : max_rw_count - total;
    }
    k.msg_iter = iov_iter{u.msg_iov, u.msg_iovlen, 0, total};
    return 0;
}

} // namespace ksock
