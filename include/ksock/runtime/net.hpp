// ksock/runtime/net.hpp: the network namespace a stack serves (struct net):
// the net.core sysctls the socket layer reads, each starting at Linux's
// default, and the counters the creation path updates.
//
// A family's own namespace state (net.ipv4.*, net.unix.*: Linux's
// netns_ipv4 and netns_unix) is not here: a family declares it as its
// pernet_type and the stack keeps one beside this (Linux's pernet_operations
// and net_generic), reached through the context (ctx.pernet<T>()).
//
// Leaf names are the /proc/sys/net/core/... names and their units are the
// ones those files show, so a host's values can be copied in as they read.
#pragma once

#include <cstdint>

namespace ksock {

//! net.core.*
struct net_core_sysctl {
    int wmem_default = 212992; //!< /proc/sys/net/core/wmem_default: SO_SNDBUF's start, bytes
    int rmem_default = 212992; //!< /proc/sys/net/core/rmem_default: SO_RCVBUF's start, bytes
    int wmem_max = 212992;     //!< /proc/sys/net/core/wmem_max: SO_SNDBUF's limit, bytes
    int rmem_max = 212992;     //!< /proc/sys/net/core/rmem_max: SO_RCVBUF's limit, bytes
    int optmem_max = 131072;   //!< /proc/sys/net/core/optmem_max: ancillary and option memory
    int somaxconn = 4096;      //!< /proc/sys/net/core/somaxconn: listen()'s backlog limit
    int busy_read = 0;         //!< /proc/sys/net/core/busy_read: SO_BUSY_POLL's start, us
    std::uint8_t txrehash = 1; //!< SOCK_TXREHASH_ENABLED

    //! Equal when every sysctl is.
    friend constexpr bool operator==(const net_core_sysctl&, const net_core_sysctl&) = default;
};

//! struct net: one namespace.
struct net {
    net_core_sysctl sysctl; //!< net.core.*
    int sock_inuse;         //!< user sockets holding a netns reference
    int sockets_allocated;  //!< sk_sockets_allocated_inc (TCP)

    //! The namespace's pseudo-random numbers (get_random_u32 for port
    //! choices, ISNs, ping ids): xorshift32, deterministic from boot, so a
    //! run can be repeated. Nothing here is meant to be unpredictable.
    constexpr std::uint32_t prandom_u32() noexcept {
        std::uint32_t x = rnd_state_ ? rnd_state_ : 0x9e3779b9u;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        rnd_state_ = x;
        return x;
    }

private:
    std::uint32_t rnd_state_ = 0;
};

} // namespace ksock
