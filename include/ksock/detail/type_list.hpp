// ksock/detail/type_list.hpp: the compile-time list vocabulary of the
// registries, a thin layer over Boost.Hana.
//
// Families, protosw entries and protos are held in ksock::type_list<...>,
// our own name, so that user code and error messages never spell hana:: and
// the backend can be swapped (cib left Hana for compile-time reasons; keeping
// it behind these aliases keeps that door open). Indexing goes through Hana's
// basic_tuple, the cheapest Hana container; membership and uniqueness use
// constexpr bool arrays rather than recursive instantiation (Mp11's lesson:
// one pack expansion instead of N nested templates).
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/type.hpp>

namespace ksock {

//! A compile-time list of types (families, protosw entries, protos, hooks).
template <class... Ts>
struct type_list {
    static constexpr std::size_t size = sizeof...(Ts); //!< how many types
};

namespace detail {

template <class L>
struct is_type_list : std::false_type {};
template <class... Ts>
struct is_type_list<type_list<Ts...>> : std::true_type {};

//! The Hana view of a list: basic_tuple<basic_type<Ts>...>.
template <class L>
struct hana_of;
template <class... Ts>
struct hana_of<type_list<Ts...>> {
    using type = boost::hana::basic_tuple<boost::hana::basic_type<Ts>...>;
};

//! at_t<I, L>: the I-th type of L.
template <std::size_t I, class L>
using at_t = typename std::remove_cvref_t<decltype(boost::hana::at_c<I>(
    std::declval<typename hana_of<L>::type>()))>::type;

//! index_of_v<T, L>: position of the first T in L, or L::size.
template <class T, class L>
struct index_of;
template <class T, class... Ts>
struct index_of<T, type_list<Ts...>> {
    static constexpr std::size_t value = [] {
        // __is_same (GCC >= 10, Clang): a builtin, no template instantiated
        // per pair, so N lookups in an N-list stay cheap.
        constexpr bool hit[] = {__is_same(T, Ts)..., false};
        std::size_t i = 0;
        while (i < sizeof...(Ts) && !hit[i])
            ++i;
        return i;
    }();
};
template <class T, class L>
inline constexpr std::size_t index_of_v = index_of<T, L>::value;

template <class T, class L>
inline constexpr bool contains_v = index_of_v<T, L> < L::size;

//! concat_t<L...>: one list of all elements, in order.
template <class... Ls>
struct concat;
template <>
struct concat<> {
    using type = type_list<>;
};
template <class... As>
struct concat<type_list<As...>> {
    using type = type_list<As...>;
};
template <class... As, class... Bs, class... Rest>
struct concat<type_list<As...>, type_list<Bs...>, Rest...> {
    using type = typename concat<type_list<As..., Bs...>, Rest...>::type;
};
template <class... Ls>
using concat_t = typename concat<Ls...>::type;

//! unique_t<L>: L without repeats, first occurrence kept. Element i stays
//! when its first index in L is i: one pack expansion of builtin
//! comparisons instead of a recursion whose accumulator grows with N.
template <class L, class Seq>
struct unique_impl;
template <class... Ts, std::size_t... Is>
struct unique_impl<type_list<Ts...>, std::index_sequence<Is...>> {
    using type = concat_t<
        std::conditional_t<index_of_v<Ts, type_list<Ts...>> == Is, type_list<Ts>, type_list<>>...>;
};
template <class L>
struct unique;
template <class... Ts>
struct unique<type_list<Ts...>> {
    using type =
        typename unique_impl<type_list<Ts...>, std::make_index_sequence<sizeof...(Ts)>>::type;
};
template <class L>
using unique_t = typename unique<L>::type;

//! transform_t<F, L>: F<T>::type for each T.
template <template <class> class F, class L>
struct transform;
template <template <class> class F, class... Ts>
struct transform<F, type_list<Ts...>> {
    using type = type_list<typename F<Ts>::type...>;
};
template <template <class> class F, class L>
using transform_t = typename transform<F, L>::type;

//! Call f.template operator()<T>() for each T of L, in order.
template <class... Ts, class F>
constexpr void for_each_type(type_list<Ts...>, F&& f) {
    (f.template operator()<Ts>(), ...);
}

//! Does every pair i < j of L satisfy !same(i, j)? Used for "duplicate" checks.
template <class... Ts>
constexpr bool all_distinct(type_list<Ts...>) {
    return std::is_same_v<unique_t<type_list<Ts...>>, type_list<Ts...>>;
}

} // namespace detail
} // namespace ksock
