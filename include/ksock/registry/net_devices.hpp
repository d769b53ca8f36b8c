// ksock/registry/net_devices.hpp: the devices of a stack (Config::devices), as
// register_netdevice would take them, resolved at compile time: each one
// checked against the net_device concept, names unique, ifindex = position
// + 1 (lo, when listed, is first: ifindex 1, as Linux registers it first in
// every namespace), and the dispatch of a run-time ifindex to its device: a
// generated switch (ksock::detail::with_index), no function pointers.
//
// A stack may list no device at all: a config of families that never touch
// a device (PF_UNIX, a user's own) needs none. PF_INET asks for lo.
#pragma once

#include <cstddef>

#include <ksock/detail/type_list.hpp>
#include <ksock/detail/with_index.hpp>
#include <ksock/registry/net_device.hpp>
#include <ksock/uapi/if_arp.hpp>

namespace ksock {

namespace detail {

consteval bool same_ifname(const char* a, const char* b) {
    std::size_t i = 0;
    while (a[i] && a[i] == b[i])
        ++i;
    return a[i] == b[i];
}

// Each check is true of anything that is not a type_list: that mistake has
// its own message.
template <class L>
consteval bool all_net_devices(L) {
    return true;
}
template <class L>
consteval bool ifnames_distinct(L) {
    return true;
}
template <class L>
consteval bool loopback_first(L) {
    return true;
}

template <class... Ds>
consteval bool all_net_devices(type_list<Ds...>) {
    return (check_net_device<Ds>() && ...);
}

template <class... Ds>
consteval bool ifnames_distinct(type_list<Ds...>) {
    constexpr const char* n[] = {Ds::name..., nullptr};
    for (std::size_t j = 0; j < sizeof...(Ds); ++j)
        for (std::size_t i = 0; i < j; ++i)
            if (same_ifname(n[i], n[j]))
                return false;
    return true;
}

//! A loopback device is first or absent, and there is one at most.
template <class... Ds>
consteval bool loopback_first(type_list<Ds...>) {
    constexpr bool lo[] = {Ds::type == arphrd_loopback..., false};
    for (std::size_t i = 1; i < sizeof...(Ds); ++i)
        if (lo[i])
            return false;
    return true;
}

} // namespace detail

//! The devices of a stack, \p Devices a type_list of net_device types.
template <class Devices>
struct net_devices {
    static_assert(detail::is_type_list<Devices>::value,
                  "ksock::stack<Config>: Config::devices must be a ksock::type_list of "
                  "net_device types");
    static_assert(detail::all_net_devices(Devices{}));
    static_assert(detail::ifnames_distinct(Devices{}),
                  "ksock::stack<Config>: two devices of Config::devices share one name "
                  "(register_netdevice refuses a duplicate with EEXIST)");
    static_assert(detail::loopback_first(Devices{}),
                  "ksock::stack<Config>: a loopback device may only be the first of "
                  "Config::devices (lo is ifindex 1), and there is one at most");

    using list = Devices;                               //!< the devices, in ifindex order from 1
    static constexpr std::size_t count = Devices::size; //!< how many devices

    //! The ifindex of device D: its position + 1.
    template <class D>
    static constexpr int ifindex_of = static_cast<int>(detail::index_of_v<D, Devices>) + 1;
    template <class D>
    static constexpr bool has = detail::contains_v<D, Devices>; //!< whether \p D is one of them

    //! Whether ifindex 1 is a loopback device.
    static constexpr bool has_loopback = [] {
        if constexpr (count == 0)
            return false;
        else
            return detail::at_t<0, Devices>::type == arphrd_loopback;
    }();

    //! Call `f.template operator()<D>()` for the device of \p ifindex.
    //! Precondition: 1 <= ifindex <= count.
    template <class F>
    static decltype(auto) with_device(int ifindex, F&& f) {
        return detail::with_index<count>(
            static_cast<std::size_t>(ifindex - 1),
            [&]<std::size_t I>() { return f.template operator()<detail::at_t<I, Devices>>(); });
    }
};

} // namespace ksock
