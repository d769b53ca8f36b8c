// ksock/registry/family.hpp: a protocol family (struct net_proto_family): its number,
// its create policy (pf->create) and its protosw list.
//
// A create policy C provides
//   static constexpr resolution lookup(const protosw_desc*, int n, int type, int protocol);
//       the family's argument checks and table lookup, evaluated at compile
//       time for socket<F,T,P>() and at run time for socket(f,t,p);
//   template <class Entry, class Ctx>
//   static int create(Ctx&, socket&, int protocol, int kern);
//       the rest of pf->create for the resolved entry (permission checks,
//       sk_alloc, defaults, proto init), unwinding everything on error.
#pragma once

#include <concepts>
#include <type_traits>
#include <utility>

#include <ksock/detail/type_list.hpp>
#include <ksock/objects/kfunc.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/registry/archetypes.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock {

namespace detail {
template <class L>
struct protosw_table;
template <class... Es>
struct protosw_table<type_list<Es...>> {
    static constexpr int size = static_cast<int>(sizeof...(Es));
    static constexpr protosw_desc value[sizeof...(Es) + 1] = {
        {Es::type, Es::protocol, Es::flags}..., {-1, -1, 0}};
};

//! inet_register_protosw refuses an entry whose (type, protocol) is already
//! taken by a PERMANENT entry.
template <class L>
constexpr bool no_permanent_override() {
    using T = protosw_table<L>;
    for (int j = 0; j < T::size; ++j)
        for (int i = 0; i < j; ++i)
            if (T::value[i].type == T::value[j].type &&
                T::value[i].protocol == T::value[j].protocol &&
                (T::value[i].flags & inet_protosw_permanent))
                return false;
    return true;
}

template <class C>
concept has_lookup = requires(const protosw_desc* d) {
    {
        C::lookup(d, std::declval<int>(), std::declval<int>(), std::declval<int>())
        } -> std::same_as<resolution>;
};
} // namespace detail

//! Optional: F::kfuncs, the names of the callbacks the family installs
//! (objects/kfunc.hpp), for traces. family<> takes it from its Create policy.
template <class F>
concept family_has_kfuncs = requires {
    { F::kfuncs } -> std::convertible_to<const kfunc_table&>;
};

//! Optional: F::pernet_type, the family's part of a network namespace
//! (Linux's pernet_operations .size: netns_ipv4, netns_unix): default
//! constructible to Linux's defaults; a stack keeps one per namespace and
//! hands it out as ctx.pernet<F::pernet_type>(). family<> takes it from its
//! Create policy, so every family built on inet_create has PF_INET's part.
template <class F>
concept family_has_pernet = requires {
    typename F::pernet_type;
}
&&std::is_default_constructible_v<typename F::pernet_type>;

//! Optional: F::pernet_storage_type<Config>, what a stack actually keeps
//! for the family's part of the namespace when the family sizes tables by
//! the stack's Config (PF_INET's addresses, routes, neighbours): a type
//! derived from F::pernet_type, which stays the name ctx.pernet<T>() finds
//! it by.
template <class F, class Config>
concept family_has_pernet_storage = family_has_pernet<F> && requires {
    typename F::template pernet_storage_type<Config>;
} && std::is_base_of_v<typename F::pernet_type, typename F::template pernet_storage_type<Config>>;

//! Optional: `template <class Ctx> static void net_init(Ctx&)`: fill the
//! family's part of a namespace once the stack boots (pernet_operations'
//! .init: PF_INET gives lo its 127.0.0.1/8 there).
template <class F, class Ctx = archetypes::context>
concept family_has_net_init = requires(Ctx& c) {
    { F::net_init(c) } -> std::same_as<void>;
};

//! Optional: F::packet_types, a type_list of the family's receivers of
//! link-layer protocols (registry/packet_type.hpp; PF_INET: IPv4 and ARP).
template <class F>
concept family_has_packet_types = requires {
    typename F::packet_types;
}
&&detail::is_type_list<typename F::packet_types>::value;

//! Optional: the family's own timers (PF_INET's neighbours and fragment
//! queues): `template <class Ctx> static void on_tick(Ctx&)`, run after the
//! stack's clock advanced, and `template <class Ctx> static long
//! next_timer(Ctx&)`, the milliseconds until the earliest one expires (-1:
//! none armed), for a tickless firmware.
template <class F, class Ctx = archetypes::context>
concept family_has_timers = requires(Ctx& c) {
    { F::on_tick(c) } -> std::same_as<void>;
    { F::next_timer(c) } -> std::same_as<long>;
};

//! Optional: `template <class Ctx> static void netdev_event(Ctx&, int
//! ifindex, netdev_event)`: the family hears of a device coming up, going
//! down or changing its carrier (Linux's netdevice notifier chain).
template <class F, class Ctx = archetypes::context>
concept family_has_netdev_notifier = requires(Ctx& c) {
    F::netdev_event(c, 0, netdev_event::up);
};

namespace detail {
//! What a family takes from its Create policy: pernet_type and kfuncs,
//! where the policy declares them.
template <class Create>
struct family_extras {};
template <class Create>
requires family_has_pernet<Create> &&(!family_has_kfuncs<Create>)struct family_extras<Create> {
    using pernet_type = typename Create::pernet_type;
};
template <class Create>
requires family_has_kfuncs<Create> &&(!family_has_pernet<Create>)struct family_extras<Create> {
    static constexpr const kfunc_table& kfuncs = Create::kfuncs;
};
template <class Create>
requires family_has_kfuncs<Create> && family_has_pernet<Create>
struct family_extras<Create> {
    using pernet_type = typename Create::pernet_type;
    static constexpr const kfunc_table& kfuncs = Create::kfuncs;
};
} // namespace detail

template <int Family, class Create, class Protosw>
//! One protocol family, as sock_register() registers it (struct net_proto_family,
//! include/linux/net.h): its number, its create policy (the family's create() and lookup), and its
//! protosw entries.
struct family : detail::family_extras<Create> {
    static_assert(Family >= 0 && Family < af_max,
                  "ksock::family<...>: the family number must be below AF_MAX (sock_register "
                  "refuses it with ENOBUFS)");
    static_assert(detail::is_type_list<Protosw>::value,
                  "ksock::family<...>: Protosw must be a ksock::type_list of protosw entries");
    static_assert(detail::has_lookup<Create>,
                  "ksock::family<...>: Create must define static constexpr resolution "
                  "lookup(const protosw_desc*, int n, int type, int protocol)");
    static_assert(detail::no_permanent_override<Protosw>(),
                  "ksock::family<...>: two entries for one protocol where the first is PERMANENT "
                  "(inet_register_protosw refuses to override a permanent protocol)");

    static constexpr int number = Family; //!< AF_* (PF_*)
    using create = Create;   //!< the create policy: lookup, and the family's create() steps
    using protosw = Protosw; //!< the type_list of protosw entries, in registration order
};

template <class F>
concept protocol_family = requires {
    { F::number } -> std::convertible_to<int>;
    typename F::create;
    typename F::protosw;
};

} // namespace ksock
