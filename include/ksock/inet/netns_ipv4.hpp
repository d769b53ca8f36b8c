// ksock/inet/netns_ipv4.hpp: PF_INET's part of a network namespace (Linux's
// struct netns_ipv4): the net.ipv4.* sysctls PF_INET reads, each starting at
// Linux's default, and the congestion control they name. PF_INET declares it
// as its pernet_type; a stack keeps one per namespace, reached with
// ipv4_net(ctx) (or ipv4_net(stack) from a program).
#pragma once

#include <cstdint>
#include <cstring>

#include <ksock/inet/tcp/tcp_congestion_ops.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/tcp.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

//! net.ipv4.*, with the /proc leaf names and units (seconds for
//! tcp_keepalive_time, ms for tcp_rto_max_ms ...).
struct ipv4_sysctl {
    int tcp_wmem[3] = {4096, 16384, 4194304};
    int tcp_rmem[3] = {4096, 131072, 6291456};
    int tcp_reordering = 3;
    int tcp_timestamps = 1;   //!< SYNs carry TCP timestamps (12 bytes of every header)
    int tcp_min_snd_mss = 48; //!< the least MSS tcp_mtu_to_mss gives
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

    friend constexpr bool operator==(const ipv4_sysctl&, const ipv4_sysctl&) = default;
};

//! struct netns_ipv4.
struct netns_ipv4 {
    ipv4_sysctl sysctl;

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
            return -enoent;
        for (int i = 0; i < tcp_ca_name_max; ++i)
            sysctl.tcp_congestion_control[i] = ca->name[i];
        return 0;
    }

private:
    const tcp_congestion_ops* ca_cache_ = nullptr;
    char ca_cache_name_[tcp_ca_name_max] = {};
};

//! The netns_ipv4 of a stack or of the context a proto is handed.
template <class C>
constexpr netns_ipv4& ipv4_net(C& c) noexcept {
    return c.template pernet<netns_ipv4>();
}

} // namespace ksock::inet
