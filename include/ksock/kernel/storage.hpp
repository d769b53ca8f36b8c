// ksock/kernel/storage.hpp: how a stack's static memory is laid out: one
// pool per proto (the slab cache of its obj_size) with the proto's own state,
// and storage that stays all-zero until boot, so a constinit stack is .bss.
#pragma once

#include <cstddef>

#include <ksock/detail/type_list.hpp>
#include <ksock/registry/proto.hpp>
#include <ksock/runtime/pool.hpp>

namespace ksock::kernel {

//! One pool per proto (and the proto's state, if it has one).
template <class P, std::size_t N>
struct proto_slot {
    pool<typename P::obj_type, N> objects;
};
template <class P, std::size_t N>
requires ksock::detail::has_state<P>
struct proto_slot<P, N> {
    pool<typename P::obj_type, N> objects;
    typename P::state_type state;
};

//! Every proto's slot, P's found by slot<P>(); Config::proto_objects<P>
//! sizes each pool.
template <class Config, class L>
struct proto_pools;
template <class Config, class... Ps>
struct proto_pools<Config, type_list<Ps...>>
    : proto_slot<Ps, Config::template proto_objects<Ps>>... {
    template <class P>
    constexpr auto& slot() noexcept {
        return static_cast<proto_slot<P, Config::template proto_objects<P>>&>(*this);
    }
};

//! Storage that stays all-zero until first use, so a constinit stack is in
//! .bss: the union's active member is a char until boot assigns T.
template <class T>
union lazy {
    char none;
    T value;
    constexpr lazy() noexcept : none() {}
};

} // namespace ksock::kernel
