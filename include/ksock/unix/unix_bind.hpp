// ksock/unix/unix_bind.hpp: PF_UNIX names (net/unix/af_unix.c): address
// checks, bind (abstract names, pathnames, autobind), the lookup connect and
// sendto use, getname.
//
// Abstract names (sun_path[0] == 0) behave as in Linux: one table per socket
// type (Linux hashes the type into the bucket, so a stream and a datagram
// socket may hold the same abstract name), EADDRINUSE within a type,
// ECONNREFUSED when no socket of the caller's type has the name.
//
// Pathnames: ksock has no file system. A pathname is a name in one flat,
// stack-wide namespace shared by every type (as a file is): no directories,
// no permissions, no inode. Binding a name that is held gives EADDRINUSE
// (Linux: the file exists), a lookup of a name nobody holds gives ENOENT
// (Linux: no such file), a socket of another type holding it EPROTOTYPE.
// Unlike Linux, the name goes when its socket closes (Linux leaves the file
// behind, and a second bind gives EADDRINUSE until someone unlinks it; ksock
// has no unlink, so the name would be lost for good).
#pragma once

#include <cstddef>
#include <cstring>

#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/unix/unix_common.hpp>

namespace ksock::unix_domain {

namespace detail {
inline constexpr int sun_path_offset = static_cast<int>(offsetof(sockaddr_un, sun_path));
} // namespace detail

//! unix_validate_addr: the length within (offsetof(sun_path),
//! sizeof(sockaddr_un)] and the family AF_UNIX, else EINVAL. A bare
//! sun_family (length 2) names no socket: only bind takes it, as autobind,
//! and checks it before calling here.
inline int unix_validate_addr(const sockaddr* addr, int addr_len) noexcept {
    if (addr_len <= detail::sun_path_offset || addr_len > static_cast<int>(sizeof(sockaddr_un)) ||
        addr->sa_family != af_unix)
        return -einval;
    return 0;
}

//! unix_mkname: the name as the table keeps it. Abstract: every byte up to
//! addr_len. Pathname (unix_mkname_bsd): the path up to its NUL, with the
//! NUL, so the length is offsetof(sun_path) + strlen + 1.
inline unix_address unix_mkname(const sockaddr* addr, int addr_len) noexcept {
    unix_address a{};
    const auto* sun = reinterpret_cast<const sockaddr_un*>(addr);
    const auto path_len = static_cast<std::size_t>(addr_len - detail::sun_path_offset);
    a.name.sun_family = af_unix;
    if (path_len && sun->sun_path[0]) {
        std::size_t n = 0;
        while (n < path_len && sun->sun_path[n])
            ++n;
        if (n == unix_path_max) // unix_mkname_bsd writes the NUL past the path
            --n;
        std::memcpy(a.name.sun_path, sun->sun_path, n);
        a.len = detail::sun_path_offset + static_cast<int>(n) + 1;
    } else {
        std::memcpy(a.name.sun_path, sun->sun_path, path_len);
        a.len = addr_len;
    }
    return a;
}

//! A pathname (not abstract, not unnamed).
inline bool unix_is_bsd(const unix_address& a) noexcept {
    return a.len > detail::sun_path_offset && a.name.sun_path[0] != 0;
}

//! __unix_find_socket_byname: the sock whose bound name is \p a; an abstract
//! name only among socks of \p type, a pathname among all.
template <class Ctx>
sock* unix_find_byname(Ctx& ctx, const unix_address& a, int type) {
    sock* found = nullptr;
    const bool bsd = unix_is_bsd(a);
    unix_for_each(ctx, [&](unix_sock& u) {
        if (found || !u.hashed || !u.addr || u.addr->len != a.len)
            return;
        if (!bsd && u.sk.sk_type != type)
            return;
        if (std::memcmp(&u.addr->name, &a.name, static_cast<std::size_t>(a.len)) == 0)
            found = &u.sk;
    });
    return found;
}

//! unix_find_other: the socket a connect or a sendto names. Abstract:
//! ECONNREFUSED when none. Pathname: ENOENT when none, EPROTOTYPE when it
//! is a socket of another type.
template <class Ctx>
sock* unix_find_other(Ctx& ctx, const sockaddr* addr, int addr_len, int type, int* err) {
    const unix_address a = unix_mkname(addr, addr_len);
    sock* other = unix_find_byname(ctx, a, type);
    if (unix_is_bsd(a)) {
        if (!other)
            *err = -enoent;
        else if (other->sk_type != type) {
            *err = -eprototype;
            return nullptr;
        }
    } else if (!other) {
        *err = -econnrefused;
    }
    return other;
}

//! Record \p a as \p sk's name and enter it in the table.
inline void unix_set_addr(sock& sk, const unix_address& a) noexcept {
    unix_sock* u = unix_sk(&sk);
    u->addr_store = a;
    u->addr = &u->addr_store;
    u->hashed = true;
}

//! unix_autobind: an abstract name of five hex digits ("\0XXXXX", length
//! offsetof(sun_path) + 6), from a random start, the next free one for the
//! socket's type; ENOSPC when all 2^20 are taken. Already bound: 0.
template <class Ctx>
int unix_autobind(Ctx& ctx, sock& sk) {
    if (unix_sk(&sk)->addr)
        return 0;
    unix_address a{};
    a.name.sun_family = af_unix;
    a.len = detail::sun_path_offset + 6;
    std::uint32_t ordernum = ctx.net().prandom_u32();
    const std::uint32_t lastnum = ordernum & 0xFFFFFu;
    constexpr char hex[] = "0123456789abcdef";
    for (;;) {
        ordernum = (ordernum + 1) & 0xFFFFFu;
        for (int i = 0; i < 5; ++i)
            a.name.sun_path[1 + i] = hex[(ordernum >> (16 - 4 * i)) & 0xFu];
        if (!unix_find_byname(ctx, a, sk.sk_type))
            break;
        if (ordernum == lastnum)
            return -enospc;
    }
    unix_set_addr(sk, a);
    return 0;
}

//! unix_may_passcred: SO_PASSCRED (or SO_PASSPIDFD) is set: the peer must
//! see a name, so connect and sendmsg autobind first.
inline bool unix_may_passcred(const sock& sk) noexcept {
    return sk.sk_socket &&
           (sk.sk_socket->flags & ((1UL << sock_passcred) | (1UL << sock_passpidfd)));
}

//! The autobind connect and sendmsg do for a socket with SO_PASSCRED.
template <class Ctx>
int unix_passcred_autobind(Ctx& ctx, sock& sk) {
    if (unix_may_passcred(sk) && !unix_sk(&sk)->addr)
        return unix_autobind(ctx, sk);
    return 0;
}

//! unix_bind: autobind for a bare family (addr_len == 2), else the address
//! checked, then the name: a pathname taken is EADDRINUSE before the
//! socket's own state is looked at (unix_bind_bsd creates the file first),
//! an abstract name checks "already bound" (EINVAL) first.
template <class Ctx>
int unix_bind(Ctx& ctx, sock& sk, const sockaddr* addr, int addr_len) {
    if (addr_len == detail::sun_path_offset && addr->sa_family == af_unix)
        return unix_autobind(ctx, sk);
    if (const int err = unix_validate_addr(addr, addr_len))
        return err;
    const unix_address a = unix_mkname(addr, addr_len);
    if (unix_is_bsd(a)) {
        if (unix_find_byname(ctx, a, sk.sk_type))
            return -eaddrinuse;
        if (unix_sk(&sk)->addr)
            return -einval;
    } else {
        if (unix_sk(&sk)->addr)
            return -einval;
        if (unix_find_byname(ctx, a, sk.sk_type))
            return -eaddrinuse;
    }
    unix_set_addr(sk, a);
    return 0;
}

//! unix_getname: our name or (peer != 0) the peer's (ENOTCONN without one);
//! an unnamed socket is the bare family, length offsetof(sun_path).
inline int unix_getname(sock& sk, sockaddr* out, int peer) noexcept {
    sock* s = &sk;
    if (peer) {
        s = unix_peer(sk);
        if (!s)
            return -enotconn;
    }
    const unix_address* a = unix_sk(s)->addr;
    if (!a) {
        auto* sun = reinterpret_cast<sockaddr_un*>(out);
        sun->sun_family = af_unix;
        sun->sun_path[0] = 0;
        return detail::sun_path_offset;
    }
    std::memcpy(out, &a->name, static_cast<std::size_t>(a->len));
    return a->len;
}

} // namespace ksock::unix_domain
