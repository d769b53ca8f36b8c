// ksock/inet/netns_ipv4.hpp: PF_INET's part of a network namespace (Linux's
// struct netns_ipv4): the net.ipv4.* sysctls PF_INET reads, each starting at
// Linux's default, and the congestion control they name. PF_INET declares it
// as its pernet_type; a stack keeps one per namespace, reached with
// ipv4_net(ctx) (or ipv4_net(stack) from a program).
#pragma once

#include <cstdint>
#include <cstring>

#include <ksock/inet/snmp.hpp>
#include <ksock/inet/tcp/tcp_congestion_ops.hpp>
#include <ksock/objects/skb_list.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/tcp.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

//! net.ipv4.*, with the /proc leaf names and units (seconds for
//! tcp_keepalive_time, ms for tcp_rto_max_ms ...).
struct ipv4_sysctl {
    int tcp_wmem[3] = {4096, 16384, 4194304}; //!< min, default, max of a TCP send buffer, bytes
    //! Min, default, max of a TCP receive buffer, bytes.
    int tcp_rmem[3] = {4096, 131072, 6291456};
    int tcp_reordering = 3;     //!< the initial reordering degree
    int tcp_timestamps = 1;     //!< SYNs carry TCP timestamps (12 bytes of every header)
    int tcp_window_scaling = 1; //!< SYNs offer window scaling (the clamp's limit)
    int tcp_app_win = 31;       //!< 1/2^tcp_app_win of the window is kept for the application
    int tcp_min_snd_mss = 48;   //!< the least MSS tcp_mtu_to_mss gives
    //! Unsent bytes above which a TCP socket is not writable (TCP_NOTSENT_LOWAT's default)
    std::uint32_t tcp_notsent_lowat = 0xffffffffu;
    int ip_default_ttl = 64;            //!< TTL of the packets a socket sends by default
    int ip_no_pmtu_disc = 0;            //!< 1: no path MTU discovery (DF not set)
    gid_t ping_group_range[2] = {1, 0}; //!< empty: nobody may open ping sockets
    char tcp_congestion_control[tcp_ca_name_max] = "cubic"; //!< the default congestion control
    int tcp_keepalive_time = 7200;                          //!< seconds
    int tcp_keepalive_intvl = 75;                           //!< seconds
    //! Unanswered keepalive probes before the connection is dropped.
    int tcp_keepalive_probes = 9;
    int tcp_syn_retries = 6;         //!< SYN retransmissions before connect() fails
    int tcp_synack_retries = 5;      //!< SYN-ACK retransmissions before a request is dropped
    int tcp_syn_linear_timeouts = 4; //!< SYN retransmissions at the initial RTO before backoff
    int tcp_retries1 = 3;            //!< retransmissions before the route is doubted
    int tcp_retries2 = 15;      //!< retransmissions before an established connection is dropped
    int tcp_orphan_retries = 0; //!< 0: 8 (tcp_orphan_retries())
    int tcp_sack = 1;           //!< 1: SACK offered and accepted
    int tcp_dsack = 1;          //!< 1: DSACK sent and accepted
    int tcp_ecn = 2;            //!< accept ECN when asked, never ask (1: ask too; 0: neither)
    int tcp_ecn_fallback = 1;   //!< 1: a retransmitted SYN no longer asks for ECN
    int tcp_stdurg = 0;         //!< 1: the urgent pointer names the last urgent byte (RFC 1122)
    int tcp_early_retrans = 3;  //!< the tail loss probe
    int tcp_recovery = 1;       //!< RACK loss detection
    int tcp_autocorking = 1;    //!< 1: small writes are corked while data is in flight
    int tcp_frto = 2;           //!< F-RTO, spurious RTO detection (nonzero: on)
    int tcp_slow_start_after_idle = 1;        //!< 1: the window restarts after idle
    int tcp_challenge_ack_limit = 2147483647; //!< per second (6.0+: no limit)
    int tcp_tw_reuse = 2;                     //!< TIME_WAIT reuse for connect() (2: loopback only)
    int tcp_moderate_rcvbuf = 1;              //!< 1: receive buffer auto-tuning
    int tcp_adv_win_scale = 1;                //!< the share of the buffer kept as overhead: 1/2^n
    int tcp_abort_on_overflow = 0;            //!< 1: a full accept queue answers RST
    int tcp_max_syn_backlog = 128; //!< max(128, ehash entries / 128): 128 on a small host
    //! SYN cookies: 0 never (a full SYN queue drops), 1 when the SYN queue
    //! overflows, 2 for every SYN.
    int tcp_syncookies = 1;
    int tcp_fin_timeout = 60; //!< seconds
    int tcp_rfc1337 = 0; //!< 1: an RST in TIME_WAIT is ignored (RFC 1337), 0: it kills the state
    int tcp_rto_min_us = 200000;      //!< the least RTO, us
    int tcp_rto_max_ms = 120000;      //!< the greatest RTO, ms
    int tcp_retrans_collapse = 1;     //!< a short retransmission takes the small segments after it
    int tcp_thin_linear_timeouts = 0; //!< TCP_THIN_LINEAR_TIMEOUTS for every socket
    int ip_local_port_range[2] = {32768, 60999}; //!< the ephemeral ports: first and last
    int ip_unprivileged_port_start = 1024;       //!< binding below needs CAP_NET_BIND_SERVICE
    int ip_nonlocal_bind = 0;                    //!< 1: bind() to an address the host does not have
    int icmp_echo_ignore_all = 0;                //!< 1: echo requests get no reply
    int icmp_echo_ignore_broadcasts = 1; //!< 1: echo requests to a broadcast address get no reply
    int ipfrag_time = 30;                //!< seconds a datagram's fragments may take to arrive
    //! net.ipv4.conf.all.arp_notify: a gratuitous ARP when a device comes
    //! up (Linux sends none when an address is added, whatever this says).
    int arp_notify = 0;
    //! net.ipv4.conf.all.arp_accept: learn neighbours from unsolicited ARP.
    int arp_accept = 0;

    //! Equal when every sysctl is.
    friend constexpr bool operator==(const ipv4_sysctl&, const ipv4_sysctl&) = default;
};

//! net.ipv4.neigh.default.* (arp_tbl's neigh_parms), Linux's units.
struct neigh_parms {
    int mcast_solicit = 3;              //!< multicast probes before a neighbour fails
    int ucast_solicit = 3;              //!< unicast probes before a neighbour fails
    int app_solicit = 0;                //!< probes through a user-space daemon (none in ksock)
    int mcast_resolicit = 0;            //!< multicast re-probes of a stale entry
    int retrans_time_ms = 1000;         //!< ms between probes
    int base_reachable_time_ms = 30000; //!< ms a confirmed neighbour stays REACHABLE (on average)
    int delay_first_probe_time = 5;     //!< seconds
    int gc_stale_time = 60;             //!< seconds
    int locktime = 100;                 //!< USER_HZ ticks: 1 s
    int gc_thresh1 = 128;               //!< entries below which nothing is collected
    int gc_interval = 30;               //!< seconds

    //! Equal when every parameter is.
    friend constexpr bool operator==(const neigh_parms&, const neigh_parms&) = default;
};

//! struct netns_ipv4.
struct netns_ipv4 {
    ipv4_sysctl sysctl; //!< net.ipv4.*
    neigh_parms neigh;  //!< net.ipv4.neigh.default.*
    //! The namespace's SNMP counters (/proc/net/snmp).
    ipv4_mib mib;
    //! lo's packets waiting to be received: the CPU's backlog
    //! (softnet_data's input_pkt_queue) that loopback_xmit's netif_rx fills
    //! and process_backlog empties. ksock has one CPU and sends only IP
    //! over lo, so the queue is the namespace's IPv4 state.
    skb_list lo_backlog = {};
    //! process_backlog is running: a packet sent while a received one is
    //! processed waits its turn instead of being received inside it.
    std::uint8_t lo_backlog_running = 0;

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
