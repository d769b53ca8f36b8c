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
// Its constexpr default image, where it has one, is P::defaults.
#pragma once

#include <concepts>
#include <cstddef>

#include <ksock/objects/kfunc.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/proto_desc.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/registry/context.hpp>

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

//! The types an object of proto P begins with, for the run-time cast check:
//! obj_type itself and each ksock object type on its first-member chain.
template <class Obj, class... Known>
inline constexpr auto chain_of = [] {
    constexpr std::size_t n =
        1 + (std::size_t{begins_with<Obj, Known> && !std::is_same_v<Obj, Known>} + ... + 0);
    struct arr {
        const void* v[n];
    } a{};
    std::size_t i = 0;
    a.v[i++] = type_id<Obj>();
    ((begins_with<Obj, Known> && !std::is_same_v<Obj, Known> ? (void)(a.v[i++] = type_id<Known>())
                                                             : void()),
     ...);
    return a;
}();
} // namespace detail

//! Optional: template <class Ctx> static bool gc(Ctx&): collect the objects
//! that only in-flight references keep alive (unix_gc); true when it freed
//! something. A stack runs it after an fput while files are in flight.
template <class P, class Ctx = archetypes::context>
concept proto_has_gc = requires(Ctx& c) {
    { P::gc(c) } -> std::same_as<bool>;
};
//! Optional: template <class Ctx> static void on_tick(Ctx&): run the proto's
//! timers that expired (TIME_WAIT, orphans); a stack calls it after its
//! clock advanced.
template <class P, class Ctx = archetypes::context>
concept proto_has_timers = requires(Ctx& c) {
    { P::on_tick(c) } -> std::same_as<void>;
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
    using obj = typename P::obj_type;
    static constexpr auto chain = detail::chain_of<obj, tcp_sock, inet_connection_sock, udp_sock,
                                                   raw_sock, inet_sock, unix_sock, sock>;
    static constexpr proto_desc value{P::name, P::obj_size, chain.v,
                                      sizeof(chain.v) / sizeof(chain.v[0])};
};
template <class P>
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
