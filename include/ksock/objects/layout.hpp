// ksock/objects/layout.hpp: Linux's layout casts, checked: sk_cast<To>, the
// generic form of inet_sk, tcp_sk, unix_sk ... (each family defines its own
// named casts beside its object types), and SOCKET_I / SOCK_INODE
// (container_of over socket_alloc).
//
// Linux downcasts with container_of over first-member embeddings; the cast is
// legal because the slab object really is the larger type. Here:
//  * at compile time a cast exists only along a real first-member chain:
//    `begins_with<Outer, Inner>` holds when Outer is a standard-layout
//    aggregate whose first member, recursively, is an Inner. It is detected
//    by aggregate initialisation: `Outer{x}`, with an x that converts to an
//    Inner and to nothing else, only compiles through brace elision into
//    the first member, down to a member of type Inner. For a
//    standard-layout class the first member sits at offset 0 and is
//    pointer-interconvertible with the object, so the reinterpret_cast below
//    is well-defined whenever the object is really an Outer;
//  * in debug builds (KSOCK_CHECKED_CASTS, on unless NDEBUG) the cast also
//    asks the object's proto (sk->sk_prot) whether the allocated type begins
//    with the target; if not, it reports the cast and the object and stops
//    (layout_cast_failure.hpp: a handler the program may replace).
#pragma once

#include <cstddef>
#include <type_traits>

#include <ksock/detail/type_name.hpp>
#include <ksock/objects/layout_cast_failure.hpp>
#include <ksock/objects/proto_desc.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/platform.hpp>

#ifndef KSOCK_CHECKED_CASTS
#ifdef NDEBUG
#define KSOCK_CHECKED_CASTS 0
#else
#define KSOCK_CHECKED_CASTS 1
#endif
#endif

namespace ksock {

namespace detail {
//! Converts to an Inner&& and to nothing else: not to a type Inner
//! converts to, not to a type constructible from an Inner (that would be a
//! second user-defined conversion). Only declared: begins_with uses it in
//! an unevaluated aggregate initialisation.
template <class Inner>
struct exactly {
    template <class T>
    requires std::is_same_v<T, Inner>
    operator T&&() const noexcept;
};
} // namespace detail

//! Outer begins, at offset 0, with an Inner (first member, recursively).
//! `Outer{exactly<Inner>}` compiles only through brace elision into the
//! first member, down to a member whose type is Inner itself.
template <class Outer, class Inner>
concept begins_with = std::is_standard_layout_v<Outer> && std::is_standard_layout_v<Inner> &&
    (std::is_same_v<Outer, Inner> ||
     (std::is_aggregate_v<Outer> && requires { Outer{detail::exactly<Inner>{}}; }));

//! A socket object type: begins with ksock::sock at offset 0.
template <class T>
concept sock_object = begins_with<T, sock>;

//! first_member<T>::ptr names the member that embeds T's parent at offset 0.
//! It lets member_ref<To>(obj) walk the chain with member accesses, which a
//! constant expression can do (a reinterpret_cast cannot): this is what makes
//! the default images of the protos constexpr. Specialise it for your own
//! object types to get constexpr images for them too; without it the walk
//! falls back to the (run-time only) layout cast.
template <class T>
struct first_member;

//! What a specialisation of first_member derives from: `template <>
//! struct ksock::first_member<tcp_sock> : first_member_is<&tcp_sock::inet_conn> {};`
template <auto Ptr>
struct first_member_is {
    static constexpr auto ptr = Ptr; //!< the member pointer to the parent at offset 0
};

//! The To at offset 0 of \p o (To must begin \p o's first-member chain).
template <class To, class From>
requires begins_with<From, To>
constexpr To& member_ref(From& o) noexcept {
    if constexpr (std::is_same_v<To, From>)
        return o;
    else if constexpr (requires { first_member<From>::ptr; })
        return member_ref<To>(o.*first_member<From>::ptr);
    else
        return *reinterpret_cast<To*>(&o);
}

namespace detail {
template <class To>
constexpr void check_sk_type(const sock* sk, const char* cast) noexcept {
    if constexpr (KSOCK_CHECKED_CASTS) {
        // A null proto means "not made by a stack" (a constexpr image or a
        // hand-built object): nothing to check against.
        if (sk && sk->sk_prot() && !sk->sk_prot()->contains(type_id<To>()))
            layout_cast_failed(cast, type_name<To>(), sk);
    }
}
} // namespace detail

//! Checked first-member downcast, the generic form of tcp_sk() and friends: \p cast names the cast
//! in a failure report.
//!@{
template <class To, class From>
requires begins_with<To, From> && sock_object<From>
constexpr To* sk_cast(From* p, const char* cast = "sk_cast") noexcept {
    detail::check_sk_type<To>(reinterpret_cast<const sock*>(p), cast);
    return reinterpret_cast<To*>(p);
}
template <class To, class From>
requires begins_with<To, From> && sock_object<From>
constexpr const To* sk_cast(const From* p, const char* cast = "sk_cast") noexcept {
    detail::check_sk_type<To>(reinterpret_cast<const sock*>(p), cast);
    return reinterpret_cast<const To*>(p);
}
//!@}

//! A named layout cast (inet_sk, tcp_sk, unix_sk ...): sk_cast<To> as a
//! function object taking a sock* or a const sock*. A family defines its
//! own beside its object types: `inline constexpr sk_caster<tcp_sock> tcp_sk{"tcp_sk"};`
//! (the name is what a failed check reports).
template <class To>
struct sk_caster {
    const char* name = "sk_cast"; //!< the cast's name, for a failure report
    //! The cast, named by `name` in a failure report.
    //!@{
    To* operator()(sock* sk) const noexcept { return sk_cast<To>(sk, name); }
    const To* operator()(const sock* sk) const noexcept { return sk_cast<To>(sk, name); }
    //!@}
};

//! Upcast to the embedded sock: always valid, no check needed.
//!@{
template <sock_object From>
constexpr sock* sk_of(From* p) noexcept {
    return reinterpret_cast<sock*>(p);
}
template <sock_object From>
constexpr const sock* sk_of(const From* p) noexcept {
    return reinterpret_cast<const sock*>(p);
}
//!@}

//! SOCKET_I(inode): the socket allocated together with this inode.
inline ksock::socket* SOCKET_I(inode* ino) noexcept {
    static_assert(std::is_standard_layout_v<socket_alloc>);
    auto* ei = static_cast<socket_alloc*>(static_cast<void*>(reinterpret_cast<unsigned char*>(ino) -
                                                             offsetof(socket_alloc, vfs_inode)));
    return &ei->socket;
}
//! SOCK_INODE(socket): the inode allocated together with this socket.
inline inode* SOCK_INODE(ksock::socket* sock) noexcept {
    // socket is the first member of socket_alloc: pointer-interconvertible.
    return &reinterpret_cast<socket_alloc*>(sock)->vfs_inode;
}

// The links of the core's chains, pinned (each family pins its own, beside
// its object types).
static_assert(begins_with<sock, sock_common>, "ksock::sock must begin with sock_common");
static_assert(begins_with<socket_alloc, ksock::socket>,
              "ksock::socket_alloc must begin with socket");

} // namespace ksock
