// ksock/inet/ip/inet_pernet.hpp: PF_INET's hooks into a stack, beside its
// sockets: the namespace's start (pernet_operations' .init: lo's
// 127.0.0.1/8, as inetdev_event gives it when lo comes up, and each
// device's random reachable time), the timers (neighbours, fragment
// queues) and the netdevice notifier (inetdev_event, fib_netdev_event,
// arp_netdev_event: a device going down takes its neighbours and the
// routes added through it; one coming up announces itself if arp_notify
// says so).
#pragma once

#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/ip/arp.hpp>
#include <ksock/inet/ip/fib.hpp>
#include <ksock/inet/ip/in_device.hpp>
#include <ksock/inet/ip/ip_fragment.hpp>
#include <ksock/inet/ip/neighbour.hpp>
#include <ksock/inet/ip/rt_cache_flush.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/objects/net_device_state.hpp>

namespace ksock::inet {

//! PF_INET's hooks into a stack beside its sockets: the namespace's start (net_init), the timers,
//! and the netdevice notifier.
struct inet_pernet_hooks {
    //! ipv4_inetpeer_init, devinet_init_net, inetdev_init for each device,
    //! and lo's address.
    template <class Ctx>
    static void net_init(Ctx& ctx) {
        auto& t = ipv4_tables(ctx);
        const neigh_parms& p = ipv4_net(ctx).neigh;
        for (in_device& d : t.in_dev)
            d.reachable_time = neigh_rand_reach_time(ctx, neigh_ms(p.base_reachable_time_ms));
        t.neigh_last_rand = ctx.jiffies();
        t.neigh_next_work = ctx.jiffies() + neigh_ms(p.base_reachable_time_ms) / 2;
        ip_addr_add(ctx, 1, htonl_loopback(), 8);
    }

    //! The timers that expired: neighbours, then fragment queues.
    template <class Ctx>
    static void on_tick(Ctx& ctx) {
        neigh_on_tick(ctx);
        ipq_on_tick(ctx);
    }
    //! The milliseconds until the first of them expires (-1: none armed).
    //! neigh_periodic_work is left out: it only draws new random times,
    //! and a firmware asleep past it loses nothing.
    template <class Ctx>
    static long next_timer(Ctx& ctx) {
        const long a = neigh_next_timer(ctx);
        const long b = ipq_next_timer(ctx);
        return a < 0 ? b : b < 0 ? a : a < b ? a : b;
    }

    //! The netdevice notifier.
    template <class Ctx>
    static void netdev_event(Ctx& ctx, int ifindex, ksock::netdev_event ev) {
        switch (ev) {
        case ksock::netdev_event::up:
            inet_update_lo_net(ctx);
            arp_announce_dev(ctx, ifindex);
            break;
        case ksock::netdev_event::down:
            neigh_ifdown(ctx, ifindex);
            fib_flush_dev(ctx, ifindex);
            inet_update_lo_net(ctx);
            break;
        case ksock::netdev_event::change:
            break;
        }
        // fib_netdev_event: rt_cache_flush on NETDEV_UP, _DOWN and _CHANGE
        // alike (a route's device or its carrier changed).
        rt_cache_flush(ctx);
    }
};

} // namespace ksock::inet
