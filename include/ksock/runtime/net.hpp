// ksock/runtime/net.hpp: the network namespace a stack serves (struct net) and the
// sysctls the creation path reads, each starting at Linux's default.
//
// Leaf names are the /proc/sys/net/... names and their units are the ones
// those files show (seconds for tcp_keepalive_time, ms for tcp_rto_max_ms ...),
// so a host's values can be copied in as they read.
#pragma once

#include <cstdint>
#include <cstring>

#include <ksock/inet/tcp/tcp_congestion_ops.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/tcp.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

struct net_sysctl {
    // net.core
    int wmem_default = 212992;
    int rmem_default = 212992;
    int wmem_max = 212992;
    int rmem_max = 212992;
    int optmem_max = 131072;
    int somaxconn = 4096;
    int busy_read = 0;
    std::uint8_t txrehash = 1; //!< SOCK_TXREHASH_ENABLED
    // net.ipv4
    int tcp_wmem[3] = {4096, 16384, 4194304};
    int tcp_rmem[3] = {4096, 131072, 6291456};
    int tcp_reordering = 3;
    int ip_default_ttl = 64;
    int ip_no_pmtu_disc = 0;
    gid_t ping_group_range[2] = {1, 0}; //!< empty: nobody may open ping sockets
    char tcp_congestion_control[tcp_ca_name_max] = "cubic";
    int tcp_keepalive_time = 7200; //!< seconds
    int tcp_keepalive_intvl = 75;  //!< seconds
    int tcp_keepalive_probes = 9;
    int tcp_syn_retries = 6;
    int tcp_fin_timeout = 60; //!< seconds
    int tcp_rto_min_us = 200000;
    int tcp_rto_max_ms = 120000;
    int ip_local_port_range[2] = {32768, 60999};
    int ip_unprivileged_port_start = 1024; //!< binding below needs CAP_NET_BIND_SERVICE
    int ip_nonlocal_bind = 0;
    int icmp_echo_ignore_all = 0;
    int icmp_echo_ignore_broadcasts = 1;
    // net.unix
    int unix_max_dgram_qlen = 10;

    friend constexpr bool operator==(const net_sysctl&, const net_sysctl&) = default;
};

//! struct net: one namespace. ksock keeps the sysctls and the counters that
//! the creation path updates (sock_inuse / sockets_allocated).
struct net {
    net_sysctl sysctl;
    int sock_inuse;        //!< user sockets holding a netns reference
    int sockets_allocated; //!< sk_sockets_allocated_inc (TCP)

    //! The algorithm net.ipv4.tcp_congestion_control names, as Linux keeps it
    //! in the namespace (a pointer, not a name looked up per socket): resolved
    //! again only when the sysctl's bytes differ from the last ones resolved,
    //! so a direct write to the array is seen too. Reno when unknown, as
    //! tcp_assign_congestion_control falls back.
    const tcp_congestion_ops* tcp_congestion_default() noexcept {
        if (!ca_cache_ || std::memcmp(ca_cache_name_, sysctl.tcp_congestion_control,
                                      sizeof ca_cache_name_) != 0) {
            std::memcpy(ca_cache_name_, sysctl.tcp_congestion_control, sizeof ca_cache_name_);
            ca_cache_ = tcp_ca_find_or(ca_cache_name_, &tcp_reno);
        }
        return ca_cache_;
    }

    //! net.ipv4.tcp_congestion_control accepts only a known algorithm
    //! (ENOENT otherwise), as writing the sysctl file does.
    constexpr int set_tcp_congestion_control(const char* name) noexcept {
        const tcp_congestion_ops* ca = tcp_ca_find(name);
        if (!ca)
            return -2; // -ENOENT
        for (int i = 0; i < tcp_ca_name_max; ++i)
            sysctl.tcp_congestion_control[i] = ca->name[i];
        return 0;
    }

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
    const tcp_congestion_ops* ca_cache_ = nullptr;
    char ca_cache_name_[tcp_ca_name_max] = {};
};

} // namespace ksock
