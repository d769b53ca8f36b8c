// ksock/kernel/storage.hpp: how a stack's static memory is laid out: one
// pool per proto (the slab cache of its obj_size) with the proto's own state,
// and storage that stays all-zero until boot, so a constinit stack is .bss.
#pragma once

#include <cstddef>
#include <type_traits>

#include <ksock/detail/type_list.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/registry/proto.hpp>
#include <ksock/runtime/pool.hpp>

namespace ksock::kernel {

//! What sockfs allocates for one socket: the socket_alloc (socket and
//! inode, Linux's sock_inode_cache object) and the file sock_alloc_file
//! gives it, in one slot of one cache. A file lives exactly as long as its
//! socket has one (fput_final frees both), so pairing them costs no memory and
//! saves a cache operation each way. socket_alloc comes first: a socket*
//! and its slot are pointer-interconvertible.
struct sockfs_slot {
    socket_alloc alloc; //!< the socket and its inode
    ksock::file file;   //!< the file sock_alloc_file gives the socket
};
static_assert(std::is_standard_layout_v<sockfs_slot> && offsetof(sockfs_slot, alloc) == 0,
              "ksock::kernel::sockfs_slot: socket_alloc must be at offset 0");

//! One pool per proto (and the proto's state, if it has one).
template <class P, std::size_t N>
struct proto_slot {
    pool<typename P::obj_type, N> objects; //!< P's objects
};
//! One pool per proto, and P's state (P::state_type: its hash tables).
template <class P, std::size_t N>
requires ksock::detail::has_state<P>
struct proto_slot<P, N> {
    pool<typename P::obj_type, N> objects; //!< P's objects
    typename P::state_type state;          //!< P's state
};

//! A device driver's instance.
template <class D>
struct device_slot {
    D dev{}; //!< the driver
};

//! Every proto's slot, P's found by slot<P>(); Config::proto_objects<P>
//! sizes each pool.
template <class Config, class L>
struct proto_pools;
template <class Config, class... Ps>
//! Every proto's slot (proto_slot), P's found by slot<P>().
struct proto_pools<Config, type_list<Ps...>>
    : proto_slot<Ps, Config::template proto_objects<Ps>>... {
    template <class P>
    //! P's slot.
    constexpr auto& slot() noexcept {
        return static_cast<proto_slot<P, Config::template proto_objects<P>>&>(*this);
    }
};

//! One family's part of the namespace, if it has one: its
//! pernet_storage_type<Config> where it sizes tables by the Config, else
//! its pernet_type.
template <class F, class Config>
struct pernet_slot {};
//! A family's part of the namespace (F::pernet_type).
template <class F, class Config>
requires family_has_pernet<F>
struct pernet_slot<F, Config> {
    typename F::pernet_type pernet; //!< the family's part
};
//! A family's part of the namespace stored as a larger type (F::pernet_storage_type<Config>).
template <class F, class Config>
requires family_has_pernet_storage<F, Config>
struct pernet_slot<F, Config> {
    //! The family's part, with what it stores beyond pernet_type.
    typename F::template pernet_storage_type<Config> pernet;
};

//! The pernet_type of F, or void.
template <class F>
struct pernet_type_of : std::type_identity<void> {};
template <family_has_pernet F>
struct pernet_type_of<F> : std::type_identity<typename F::pernet_type> {};

//! Every family's part of the namespace; T's found by get<T>() (Linux's
//! net_generic, resolved while compiling), T being the family's
//! pernet_type (a reference to the base of what is stored, where the
//! family stores more).
template <class Config, class L>
struct pernet_storage;
template <class Config, class... Fs>
//! The slots of every family that has a part.
struct pernet_storage<Config, type_list<Fs...>> : pernet_slot<Fs, Config>... {
    //! Each family's pernet_type, void for a family without one.
    using types = type_list<typename pernet_type_of<Fs>::type...>;
    template <class T>
    //! Whether a family declares pernet_type \p T.
    static constexpr bool has = ksock::detail::contains_v<T, types>;

    template <class T>
    //! The part whose pernet_type is \p T.
    constexpr T& get() noexcept {
        static_assert(has<T>, "ksock::kernel::pernet_storage: no registered family declares this "
                              "pernet_type");
        using F = ksock::detail::at_t<ksock::detail::index_of_v<T, types>, type_list<Fs...>>;
        return static_cast<pernet_slot<F, Config>&>(*this).pernet;
    }
};

//! One instance of every device driver of Config::devices (a driver's own
//! state: registers, a file descriptor, the far end of a test link), D's
//! found by get<D>(). Built with the stack (a constinit stack needs drivers
//! whose default constructor is constexpr), never reset at boot, so a
//! program may set a driver up before the stack's first call.
template <class L>
struct device_storage;
template <class... Ds>
//! Every driver's slot (device_slot).
struct device_storage<type_list<Ds...>> : device_slot<Ds>... {
    template <class D>
    //! Driver \p D's instance.
    constexpr D& get() noexcept {
        return static_cast<device_slot<D>&>(*this).dev;
    }
};

//! Storage that stays all-zero until first use, so a constinit stack is in
//! .bss: the union's active member is a char until boot assigns T.
template <class T>
union lazy {
    char none; //!< active until boot
    T value;   //!< active after boot
    constexpr lazy() noexcept : none() {}
};

} // namespace ksock::kernel
