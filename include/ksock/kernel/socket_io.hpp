// ksock/kernel/socket_io.hpp: the system calls of net/socket.c that move data:
// sendto, sendmsg, recvfrom, recvmsg, through sock_sendmsg / sock_recvmsg
// (the security hook, then the ops of the socket's entry).
#pragma once

#include <cstddef>

#include <ksock/core/uaccess.hpp>
#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/uapi/cmsg.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/types.hpp>
#include <ksock/uapi/value_names.hpp>

namespace ksock::kernel {

//! sock_sendmsg: the hook, then ops->sendmsg for what the iterator holds.
template <class K>
inline long sock_sendmsg(K& k, ksock::socket& so, kmsghdr& msg) {
    const std::size_t len = msg.msg_iter.count;
    trace_scope ts(k.trace_, "sock_sendmsg");
    if constexpr (K::trace_type::enabled) {
        k.trace_.field("len", static_cast<long long>(len));
        k.trace_.field("msg_flags", msg.msg_flags, names_in(value_base::hex, msg_flag_names));
    }
    if (const int err = k.hooks_.socket_sendmsg(so, len))
        return ts.result(err);
    const long n = K::registry::with_entry_inline(
        so, [&]<class E>() { return ops_sendmsg<E>(k, so, msg, len); });
    if constexpr (K::trace_type::enabled)
        k.trace_.field("return", n);
    return n;
}

//! sock_recvmsg.
template <class K>
inline long sock_recvmsg(K& k, ksock::socket& so, kmsghdr& msg, int flags) {
    const std::size_t len = msg.msg_iter.count;
    trace_scope ts(k.trace_, "sock_recvmsg");
    if constexpr (K::trace_type::enabled) {
        k.trace_.field("len", static_cast<long long>(len));
        k.trace_.field("flags", flags, names_in(value_base::hex, msg_flag_names));
    }
    if (const int err = k.hooks_.socket_recvmsg(so, len, flags))
        return ts.result(err);
    const long n = K::registry::with_entry_inline(
        so, [&]<class E>() { return ops_recvmsg<E>(k, so, msg, len, flags); });
    if constexpr (K::trace_type::enabled)
        k.trace_.field("return", n);
    return n;
}

//! The file's O_NONBLOCK becomes MSG_DONTWAIT, as in ____sys_sendmsg and
//! ____sys_recvmsg.
inline int file_msg_flags(const ksock::file& f, int flags) noexcept {
    if (f.f_flags & o_nonblock)
        flags |= msg_dontwait;
    return flags;
}

//! What __sys_sendmsg and __sys_recvmsg check before they read the header:
//! the file (EBADF), MSG_CMSG_COMPAT (EINVAL: kernel-internal), the header's
//! address (EFAULT). Null and \p err set on failure.
template <class K>
inline ksock::file* msg_fdget(K& k, int fd, const msghdr* umsg, int flags, long& err) {
    ksock::file* f = k.fdget(fd);
    if (!f)
        err = -ebadf;
    else if (flags & msg_cmsg_compat)
        err = -einval;
    else if (!umsg)
        err = -efault;
    return err ? nullptr : f;
}

//! __sys_sendto: one iovec over \p buf; the length is capped at
//! MAX_RW_COUNT. A bad buffer is found only when the protocol copies from
//! it (EFAULT then), as in Linux: a send that fails earlier reports that
//! error instead.
template <class K>
inline long sys_sendto(K& k, int fd, const void* buf, std::size_t len, int flags,
                       const sockaddr* addr, socklen_t addrlen) {
    if (len > max_rw_count)
        len = max_rw_count;
    ksock::file* f = k.fdget(fd);
    if (!f)
        return -ebadf;
    iovec iov{const_cast<void*>(buf), len};
    kmsghdr msg{};
    msg.msg_iter = iov_iter{&iov, 1, 0, len};
    sockaddr_storage address;
    if (addr) {
        const int alen = static_cast<int>(addrlen);
        if (const int err = move_addr_to_kernel(addr, alen, &address))
            return err;
        msg.msg_name = &address;
        msg.msg_namelen = alen;
    }
    msg.msg_flags = file_msg_flags(*f, flags);
    return sock_sendmsg(k, *static_cast<ksock::socket*>(f->private_data), msg);
}

//! __sys_sendmsg. The control buffer is read in place by the protocol
//! (PF_UNIX: SCM_RIGHTS, SCM_CREDENTIALS); like Linux's copy of it, one of
//! INT_MAX bytes or more, or longer than the 36 bytes Linux keeps on its
//! stack and at least net.core.optmem_max, is ENOBUFS.
template <class K>
inline long sys_sendmsg(K& k, int fd, const msghdr* umsg, int flags) {
    long err = 0;
    ksock::file* f = msg_fdget(k, fd, umsg, flags, err);
    if (!f)
        return err;
    kmsghdr msg{};
    sockaddr_storage address;
    if ((err = copy_msghdr_from_user(*umsg, msg, &address, true)))
        return err;
    if (const std::size_t ctl_len = umsg->msg_controllen) {
        if (ctl_len > 0x7fffffffu ||
            (ctl_len > sizeof(cmsghdr) + 20 &&
             ctl_len >= static_cast<std::size_t>(k.net().sysctl.optmem_max)))
            return -enobufs; // sock_kmalloc
        if (!umsg->msg_control)
            return -efault; // copy_from_user
        msg.msg_control = umsg->msg_control;
        msg.msg_controllen = ctl_len;
    }
    msg.msg_flags = file_msg_flags(*f, flags);
    return sock_sendmsg(k, *static_cast<ksock::socket*>(f->private_data), msg);
}

//! __sys_recvfrom: the sender's address is copied out when \p addr is
//! given (its length is 0 for a connected stream).
template <class K>
inline long sys_recvfrom(K& k, int fd, void* buf, std::size_t len, int flags, sockaddr* addr,
                         socklen_t* addrlen) {
    if (len > max_rw_count)
        len = max_rw_count;
    ksock::file* f = k.fdget(fd);
    if (!f)
        return -ebadf;
    iovec iov{buf, len};
    sockaddr_storage address{};
    kmsghdr msg{};
    msg.msg_name = addr ? &address : nullptr;
    msg.msg_iter = iov_iter{&iov, 1, 0, len};
    long n = sock_recvmsg(k, *static_cast<ksock::socket*>(f->private_data), msg,
                          file_msg_flags(*f, flags));
    if (n >= 0 && addr) {
        if (const int err = move_addr_to_user(&address, msg.msg_namelen, addr, addrlen))
            n = err;
    }
    return n;
}

//! __sys_recvmsg: msg_namelen, msg_flags and msg_controllen are written back.
template <class K>
inline long sys_recvmsg(K& k, int fd, msghdr* umsg, int flags) {
    long err = 0;
    ksock::file* f = msg_fdget(k, fd, umsg, flags, err);
    if (!f)
        return err;
    kmsghdr msg{};
    sockaddr_storage address{};
    if ((err = copy_msghdr_from_user(*umsg, msg, &address, false)))
        return err;
    auto* uaddr = static_cast<sockaddr*>(umsg->msg_name);
    msg.msg_name = uaddr ? &address : nullptr;
    msg.msg_namelen = 0;
    msg.msg_control = umsg->msg_control;
    msg.msg_controllen = umsg->msg_controllen;
    flags = file_msg_flags(*f, flags);
    msg.msg_flags = flags & msg_cmsg_cloexec;
    const long n = sock_recvmsg(k, *static_cast<ksock::socket*>(f->private_data), msg, flags);
    if (n < 0)
        return n;
    if (uaddr && (err = move_addr_to_user(&address, msg.msg_namelen, uaddr, &umsg->msg_namelen)))
        return err;
    umsg->msg_flags = msg.msg_flags;
    // What put_cmsg / scm_detach_fds wrote (msg_control - cmsg_ptr).
    umsg->msg_controllen -= msg.msg_controllen;
    return n;
}

} // namespace ksock::kernel
