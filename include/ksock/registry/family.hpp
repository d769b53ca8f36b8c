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

#include <ksock/detail/type_list.hpp>
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
    { C::lookup(d, 0, 0, 0) } -> std::same_as<resolution>;
};
} // namespace detail

template <int Family, class Create, class Protosw>
struct family {
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

    static constexpr int number = Family;
    using create = Create;
    using protosw = Protosw;
};

template <class F>
concept protocol_family = requires {
    { F::number } -> std::convertible_to<int>;
    typename F::create;
    typename F::protosw;
};

} // namespace ksock
