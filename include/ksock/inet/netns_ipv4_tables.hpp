// ksock/inet/netns_ipv4_tables.hpp: the tables PF_INET keeps per namespace
// and sizes by the stack's Config: the addresses of the devices
// (in_ifaddr lists), the routes `ip route add` made (the FIB beside the
// routes the addresses imply), arp_tbl's neighbours, the fragment queues
// (ipq), each device's IPv4 state (in_device), and the output routes
// connected sockets cache (dst_entry, with the generation that outdates
// them). The stack keeps them as
// PF_INET's part of the namespace (netns_ipv4 plus these), reached with
// ipv4_tables(ctx); their algorithms are in ip/ (in_device, fib, neighbour,
// arp, ip_fragment).
//
// Capacities come from the Config, each with a default when it names none:
//   neigh_entries (8)     arp_tbl entries
//   neigh_unres_qlen (3)  skbs one entry parks while it resolves
//   fib_entries (4)       routes added with ip_route_add
//   inet_addrs (4)        IPv4 addresses of all devices, lo's 127.0.0.1 included
//   ipfrag_queues (2)     datagrams being reassembled at once
//   ipfrag_max_size (65535)  the largest datagram reassembled
//   dst_entries (4, or 0 with lo alone)  output routes cached for connected sockets
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/inet/ip/rtable.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/objects/sk_buff_head.hpp>
#include <ksock/registry/net_devices.hpp>

namespace ksock::inet {

//! PF_INET's capacities from a Config, or their defaults.
template <class Config>
struct inet_config {
    //! Config::neigh_entries, else 8: the neighbour (ARP) table's entries.
    static constexpr std::size_t neigh_entries = [] {
        if constexpr (requires { Config::neigh_entries; })
            return std::size_t{Config::neigh_entries};
        else
            return std::size_t{8};
    }();
    //! Config::neigh_unres_qlen, else 3: packets held per unresolved neighbour.
    static constexpr std::size_t neigh_unres_qlen = [] {
        if constexpr (requires { Config::neigh_unres_qlen; })
            return std::size_t{Config::neigh_unres_qlen};
        else
            return std::size_t{3};
    }();
    //! Config::fib_entries, else 4: routes besides the local ones.
    static constexpr std::size_t fib_entries = [] {
        if constexpr (requires { Config::fib_entries; })
            return std::size_t{Config::fib_entries};
        else
            return std::size_t{4};
    }();
    //! Config::inet_addrs, else 4: IPv4 addresses over all devices.
    static constexpr std::size_t inet_addrs = [] {
        if constexpr (requires { Config::inet_addrs; })
            return std::size_t{Config::inet_addrs};
        else
            return std::size_t{4};
    }();
    //! Config::ipfrag_queues, else 2: datagrams reassembled at once.
    static constexpr std::size_t ipfrag_queues = [] {
        if constexpr (requires { Config::ipfrag_queues; })
            return std::size_t{Config::ipfrag_queues};
        else
            return std::size_t{2};
    }();
    //! Config::ipfrag_max_size, else 65535: the longest datagram reassembled.
    static constexpr std::size_t ipfrag_max_size = [] {
        if constexpr (requires { Config::ipfrag_max_size; })
            return std::size_t{Config::ipfrag_max_size};
        else
            return std::size_t{65535};
    }();
    static constexpr std::size_t devices = Config::devices::size; //!< the stack's devices
    //! Config::dst_entries, else 4 when a device besides lo exists and 0
    //! with lo alone: the output routes connected sockets cache (shared by
    //! the sockets with the same addresses). Routes to 127.0.0.0/8 never
    //! need one (route.hpp's fast path), so lo alone costs no RAM; 0 turns
    //! the cache off (every segment asks the FIB).
    static constexpr std::size_t dst_entries = [] {
        if constexpr (requires { Config::dst_entries; })
            return std::size_t{Config::dst_entries};
        else
            return std::size_t{Config::devices::size > 1 ? 4 : 0};
    }();

    static_assert(net_devices<typename Config::devices>::has_loopback,
                  "ksock::inet: PF_INET needs the loopback device as ifindex 1: list "
                  "ksock::drivers::loopback first in Config::devices");
    static_assert(neigh_entries > 0 && fib_entries > 0 && inet_addrs > 0 && ipfrag_queues > 0,
                  "ksock::inet: Config::neigh_entries, fib_entries, inet_addrs and "
                  "ipfrag_queues must be at least 1");
    static_assert(ipfrag_max_size >= 576 && ipfrag_max_size <= 65535,
                  "ksock::inet: Config::ipfrag_max_size must be from 576 (what every host "
                  "must reassemble, RFC 791) to 65535");
};

//! struct in_ifaddr: one IPv4 address of a device, in network order.
struct in_ifaddr {
    std::uint32_t ifa_local;     //!< the address
    std::uint32_t ifa_address;   //!< the peer's on point-to-point links, else ifa_local
    std::uint32_t ifa_mask;      //!< from ifa_prefixlen
    std::uint32_t ifa_broadcast; //!< 0: none given
    int ifa_index;               //!< the device; 0: the slot is free
    std::uint8_t ifa_prefixlen;  //!< the prefix length, /0 .. /32
    std::uint8_t ifa_scope;      //!< RT_SCOPE_HOST for 127.0.0.0/8, else RT_SCOPE_UNIVERSE
    std::uint8_t ifa_flags;      //!< IFA_F_SECONDARY
};

//! A route `ip route add` made: one fib_info with one nexthop.
struct fib_route {
    std::uint32_t dst;      //!< masked to dst_len
    std::uint32_t gw;       //!< 0: the destination is on the link
    std::uint32_t prefsrc;  //!< 0: chosen as fib_result_prefsrc chooses
    std::uint32_t priority; //!< the metric: lower wins among equal prefixes
    int oif;                //!< the device; 0: the slot is free
    std::uint8_t dst_len;   //!< the prefix length
    std::uint8_t type;      //!< RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT
    std::uint8_t scope;     //!< RT_SCOPE_UNIVERSE via a gateway, RT_SCOPE_LINK without
    std::uint8_t protocol;  //!< RTPROT_*: who installed the route
};

//! struct neighbour of arp_tbl: an IPv4 address on a device, its hardware
//! address and its NUD state, with the packets waiting for it.
struct neighbour {
    std::uint32_t primary_key; //!< the IPv4 address, network order
    int ifindex;               //!< 0: the slot is free
    std::uint8_t nud_state;    //!< NUD_* state
    std::uint8_t probes;       //!< probes sent since the last confirmation
    std::uint8_t ha[8];        //!< the hardware address, addr_len bytes
    unsigned long updated;     //!< jiffies of the last change
    unsigned long confirmed;   //!< last proof of reachability
    unsigned long used;        //!< last packet sent through it
    unsigned long timer;       //!< expiry, while nud_state & NUD_IN_TIMER
    sk_buff_head arp_queue;    //!< packets waiting for the address (unres_qlen)
};

//! struct neigh_statistics (`ip -s ntable`), the ones ksock counts.
struct neigh_statistics {
    unsigned long allocs;           //!< entries created
    unsigned long destroys;         //!< entries destroyed
    unsigned long lookups;          //!< lookups of the table
    unsigned long hits;             //!< lookups of the table that found an entry
    unsigned long res_failed;       //!< resolutions that failed
    unsigned long rcv_probes_mcast; //!< multicast (broadcast) probes received
    unsigned long rcv_probes_ucast; //!< unicast probes received
    unsigned long unres_discards;   //!< packets dropped while unresolved
    unsigned long table_fulls;      //!< entries refused for a full table
    unsigned long forced_gc_runs;   //!< forced collections
};

//! struct ipq: one datagram being reassembled; fragments is its skbs in
//! order of offset (inet_skb_cb's frag_off), chained through skb->next.
struct ipq {
    std::uint32_t saddr;   //!< the source address, network order
    std::uint32_t daddr;   //!< the destination address, network order
    std::uint16_t id;      //!< the IP id, network order
    std::uint8_t protocol; //!< the IP protocol
    std::uint8_t flags;    //!< INET_FRAG_FIRST_IN, _LAST_IN; 0 and unused: free
    std::uint32_t len;     //!< the datagram's payload length, once the last fragment came
    std::uint32_t meat;    //!< payload bytes received
    unsigned long expires; //!< when the queue times out, jiffies
    int iif;               //!< the ifindex the first fragment came in on
    bool used;             //!< the slot is in use
    sk_buff* fragments;    //!< the fragments, by offset
};

//! struct in_device's part ksock keeps: arp_tbl's per-device reachable time,
//! drawn again every 300 s (neigh_rand_reach_time).
struct in_device {
    unsigned long reachable_time; //!< jiffies
};

//! An output route a connected socket caches (struct dst_entry inside
//! struct rtable; sk->sk_dst_cache points at one). Linux shares one per
//! FIB nexthop among the sockets that use it and reference-counts it;
//! ksock keeps a few slots and no counts: a slot is taken over when
//! another route needs it, so a socket checks that the slot it points at
//! is still for its addresses (the key) and of the current generation
//! (ipv4_dst_check's rt_genid test) before it uses it.
struct dst_entry {
    rtable rt;               //!< the route (rt.daddr is the key's destination)
    std::uint32_t key_saddr; //!< the source address the lookup was asked for
    std::uint32_t genid;     //!< rt_genid when it was looked up; 0: never used
};

namespace detail {
//! The slots of the route cache, none at all when \p N is 0 (a member
//! [[no_unique_address]] of this type then takes no room).
template <std::size_t N>
struct dst_table {
    dst_entry slot[N];  //!< the cached routes
    std::uint32_t next; //!< the slot the next new route takes when none is free
};
template <>
struct dst_table<0> {};
} // namespace detail

//! PF_INET's part of the namespace when it is sized by \p Config.
template <class Config>
struct netns_ipv4_tables : netns_ipv4 {
    using caps = inet_config<Config>;     //!< the capacities
    in_ifaddr addrs[caps::inet_addrs];    //!< the addresses (`ip addr`)
    fib_route routes[caps::fib_entries];  //!< the routes (`ip route`)
    neighbour neigh[caps::neigh_entries]; //!< the neighbour table (`ip neigh`)
    neigh_statistics neigh_stats;         //!< the neighbour table's counters (`ip -s ntable`)
    ipq frags[caps::ipfrag_queues];       //!< the reassembly queues
    //! Each device's IPv4 state, index ifindex - 1.
    in_device in_dev[caps::devices ? caps::devices : 1];
    unsigned long neigh_last_rand; //!< when reachable times were drawn
    unsigned long neigh_next_work; //!< neigh_periodic_work's next run
    //! lo is up with an address in 127.0.0.0/8 that makes the whole
    //! prefix local ("local 127.0.0.0/8 dev lo"): the fast path of every
    //! route to 127.x, kept by whatever changes lo or its addresses.
    bool lo_net_local;
    std::uint32_t lo_prefsrc; //!< that address: the source of routes to 127.x
    unsigned lo_mtu;          //!< lo's MTU, for those routes
    //! rt_genid_ipv4: bumped by every change that may alter a route
    //! (rt_cache_flush): a cached route of an older generation is stale.
    std::uint32_t rt_genid;
    //! The output routes connected sockets cache (dst_cache.hpp).
    [[no_unique_address]] detail::dst_table<caps::dst_entries> dst;
    //! Neighbour entries and fragment queues in use: a tick with none has
    //! no timer to look at.
    //!@{
    unsigned neigh_used;
    unsigned frags_used;
    //!@}
};

//! The tables of the stack whose context is \p ctx.
template <class Ctx>
auto& ipv4_tables(Ctx& ctx) noexcept {
    return static_cast<netns_ipv4_tables<typename Ctx::config>&>(ipv4_net(ctx));
}

} // namespace ksock::inet
