// ksock/registry/proto.hpp: the proto concept (Linux's struct proto: a transport
// protocol's name, object type/size, init/close and friends), as a type.
//
// A proto P provides
//   static constexpr const char* name;            // "TCP"
//   using obj_type = ...;                         // begins with ksock::sock
//   static constexpr std::size_t obj_size;        // == sizeof(obj_type)
//   template <class Ctx> static int init(Ctx&, sock&);           // sk_prot->init
//   template <class Ctx> static void close(Ctx&, sock&, long);  // sk_prot->close
// and optionally
//   template <class Ctx> static int hash(Ctx&, sock&);   // sk_prot->hash
//   template <class Ctx> static void unhash(Ctx&, sock&);
//   template <class Ctx> static void destroy(Ctx&, sock&);
//   static constexpr kfunc backlog_rcv;
//   using state_type = ...;       // per-stack state (hash tables), default-constructible
//   getsockopt / setsockopt (see inet/sockopt users)
//   template <class Ctx> static int init_after_image(Ctx&, sock&);  // see below
// Its constexpr default image, where it has one, is P::defaults.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <ksock/objects/kfunc.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/proto_desc.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/archetypes.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

namespace detail {
template <class P>
concept has_obj_type = requires {
    typename P::obj_type;
};
template <class P>
concept has_name = requires {
    { P::name } -> std::convertible_to<const char*>;
};
template <class P>
concept has_obj_size = requires {
    { P::obj_size } -> std::convertible_to<std::size_t>;
};
template <class P>
concept has_init = requires(archetypes::context& c, sock& sk) {
    { P::init(c, sk) } -> std::same_as<int>;
};
template <class P>
concept has_close = requires(archetypes::context& c, sock& sk) {
    P::close(c, sk, 0L);
};
template <class P>
concept has_hash = requires(archetypes::context& c, sock& sk) {
    { P::hash(c, sk) } -> std::same_as<int>;
};
template <class P>
concept has_unhash = requires(archetypes::context& c, sock& sk) {
    P::unhash(c, sk);
};
template <class P>
concept has_destroy = requires(archetypes::context& c, sock& sk) {
    P::destroy(c, sk);
};
template <class P>
concept has_state = requires {
    typename P::state_type;
};

template <class P>
struct obj_type_of {
    using type = sock;
};
template <has_obj_type P>
struct obj_type_of<P> {
    using type = typename P::obj_type;
};

template <class M, class C>
M member_type_of(M C::*);

//! The parent of T on its first-member chain (first_member<T>::ptr's
//! member type), or void when T names none.
template <class T>
struct chain_parent {
    using type = void;
};
template <class T>
requires requires {
    first_member<T>::ptr;
}
struct chain_parent<T> {
    using type = decltype(member_type_of(first_member<T>::ptr));
};

//! The types an object of type Obj begins with, for the run-time cast
//! check: Obj, then each parent first_member names, down to sock, which
//! ends every chain (a type without first_member goes straight to it).
template <class T>
constexpr std::size_t chain_length() {
    using P = typename chain_parent<T>::type;
    if constexpr (std::is_same_v<T, sock>)
        return 1;
    else if constexpr (std::is_void_v<P>)
        return 2;
    else
        return 1 + chain_length<P>();
}
template <class T>
constexpr void fill_chain(const void** out) {
    using P = typename chain_parent<T>::type;
    *out = type_id<T>();
    if constexpr (std::is_same_v<T, sock>)
        return;
    else if constexpr (std::is_void_v<P>)
        out[1] = type_id<sock>();
    else
        fill_chain<P>(out + 1);
}
template <class Obj>
inline constexpr auto chain_of = [] {
    struct arr {
        const void* v[chain_length<Obj>()];
    } a{};
    fill_chain<Obj>(a.v);
    return a;
}();
} // namespace detail

//! Optional: `template <class Ctx> static bool gc(Ctx&)`: collect the objects
//! that only in-flight references keep alive (unix_gc); true when it freed
//! something. A stack runs it after an fput while files are in flight.
template <class P, class Ctx = archetypes::context>
concept proto_has_gc = requires(Ctx& c) {
    { P::gc(c) } -> std::same_as<bool>;
};
//! Optional: `template <class Ctx> static void on_tick(Ctx&)`: run the proto's
//! timers that expired (TIME_WAIT, orphans); a stack calls it after its
//! clock advanced.
template <class P, class Ctx = archetypes::context>
concept proto_has_timers = requires(Ctx& c) {
    { P::on_tick(c) } -> std::same_as<void>;
};

//! Optional: `template <class Ctx> static long next_timer(Ctx&)`: the
//! milliseconds until the proto's earliest armed timer expires, -1 when
//! none is armed (stack::next_timer: a tickless firmware's sleep).
template <class P, class Ctx = archetypes::context>
concept proto_has_next_timer = requires(Ctx& c) {
    { P::next_timer(c) } -> std::same_as<long>;
};

//! Optional: `template <class Ctx> static void keepalive(Ctx&, sock&, bool)`:
//! SO_KEEPALIVE's hook (Linux's sk_prot->keepalive), run before the flag
//! changes; TCP arms or stops its keepalive timer.
template <class P, class Ctx = archetypes::context>
concept proto_has_keepalive = requires(Ctx& c, sock& sk) {
    P::keepalive(c, sk, true);
};

//! Optional: `template <class Ctx> static int init_after_image(Ctx&, sock&)`:
//! what P::init does on an object that already holds its entry's
//! constexpr image (every value creation writes, for Linux's default
//! sysctls): the links that need addresses, the values that follow the
//! namespace's sysctls, the counters. A family whose create policy builds
//! images (inet_create, sk_create's hooks with image<Entry>()) then makes
//! an untraced socket by copying the image and calling this, instead of
//! zeroing the object and writing every value; a proto without it is
//! built step by step as before.
template <class P, class Ctx = archetypes::context>
concept proto_has_init_after_image = requires(Ctx& c, sock& sk) {
    { P::init_after_image(c, sk) } -> std::same_as<int>;
};

//! Optional: the proto's own option levels (Linux's sk_prot->getsockopt and
//! ->setsockopt, which sock_common_getsockopt / setsockopt forward to):
//!   template <class Entry, class Ctx> static int getsockopt(Ctx&, socket&, int level,
//!                                         int optname, void* optval, socklen_t* optlen);
//!   template <class Entry, class Ctx> static int setsockopt(Ctx&, socket&, int level,
//!                                         int optname, const void* optval, socklen_t optlen);
//! Entry is the protosw entry of the socket (its ops decide SOL_SOCKET's
//! SO_PEEK_OFF and SO_RCVLOWAT where the proto handles SOL_SOCKET itself).
template <class P, class Entry = archetypes::entry, class Ctx = archetypes::context>
concept proto_has_getsockopt = requires(Ctx& c, socket& s, void* v, socklen_t* l) {
    {
        P::template getsockopt<Entry>(c, s, std::declval<int>(), std::declval<int>(), v, l)
        } -> std::same_as<int>;
};
template <class P, class Entry = archetypes::entry, class Ctx = archetypes::context>
concept proto_has_setsockopt = requires(Ctx& c, socket& s, const void* v) {
    {
        P::template setsockopt<Entry>(c, s, std::declval<int>(), std::declval<int>(), v,
                                      socklen_t{})
        } -> std::same_as<int>;
};

//! The proto concept.
template <class P>
concept proto = detail::has_name<P> && detail::has_obj_type<P> && detail::has_obj_size<P> &&
                sock_object<typename P::obj_type> &&(P::obj_size == sizeof(typename P::obj_type)) &&
                detail::has_init<P>&& detail::has_close<P>;

//! Checks P with one message per requirement (the concept above says only
//! "not satisfied"); instantiated wherever a proto is registered.
template <class P>
constexpr bool check_proto() {
    static_assert(detail::has_name<P>,
                  "ksock::proto<P>: P::name must be a constexpr string (struct proto .name)");
    static_assert(detail::has_obj_type<P>,
                  "ksock::proto<P>: P::obj_type must name the protocol's socket object type");
    static_assert(sock_object<typename detail::obj_type_of<P>::type>,
                  "ksock::protosw<...>: Proto::obj_type must begin with ksock::sock at offset 0");
    static_assert(detail::has_obj_size<P>, "ksock::proto<P>: P::obj_size must be defined");
    if constexpr (detail::has_obj_size<P> && detail::has_obj_type<P>)
        static_assert(P::obj_size == sizeof(typename P::obj_type),
                      "ksock::proto<P>: P::obj_size must equal sizeof(P::obj_type)");
    static_assert(
        detail::has_init<P>,
        "ksock::proto<P>: P must define template <class Ctx> static int init(Ctx&, sock&)");
    static_assert(detail::has_close<P>, "ksock::proto<P>: P must define template <class Ctx> "
                                        "static void close(Ctx&, sock&, long timeout)");
    return true;
}

//! The one read-only descriptor of proto P: what sk->sk_prot points at.
template <class P>
struct proto_desc_of {
    using obj = typename P::obj_type; //!< the proto's object type
    //! Type ids of the object's first-member chain, down to sock.
    static constexpr auto chain = detail::chain_of<obj>;
    static constexpr proto_desc value{P::name, P::obj_size, chain.v, //!< the descriptor
                                      sizeof(chain.v) / sizeof(chain.v[0])};
};
template <class P>
//! &proto_desc_of<P>::value: what sk->sk_prot of a P sock points at.
inline constexpr const proto_desc* proto_desc_v = &proto_desc_of<P>::value;

//! P::backlog_rcv, or none (sk_backlog_rcv = sk_prot->backlog_rcv).
template <class P>
constexpr kfunc backlog_rcv_of() {
    if constexpr (requires { P::backlog_rcv; })
        return P::backlog_rcv;
    else
        return kfunc::none;
}

} // namespace ksock
