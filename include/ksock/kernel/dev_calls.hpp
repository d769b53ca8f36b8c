// ksock/kernel/dev_calls.hpp: the stack's calls on its devices (net/core/
// dev.c): dev_open and dev_close (`ip link set ... up / down`), the NAPI
// round that polls every device within netdev_budget (net_rx_action) and
// watches their carriers (linkwatch), and the families' netdevice notifier.
//
// Each function takes the stack's kernel context \p k (kernel/context.hpp).
#pragma once

#include <ksock/core/dev.hpp>
#include <ksock/core/skbuff.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/if_arp.hpp>

namespace ksock::kernel {

//! call_netdevice_notifiers: every family that listens hears \p ev.
template <class K>
void call_netdevice_notifiers(K& k, int ifindex, netdev_event ev) {
    ksock::detail::for_each_type(typename K::registry::families{}, [&]<class F>() {
        if constexpr (family_has_netdev_notifier<F, K>)
            F::netdev_event(k, ifindex, ev);
    });
}

//! Follow a device's carrier into its flags (IFF_LOWER_UP, and IFF_RUNNING
//! while it is up); on a change the families hear NETDEV_CHANGE, and a lost
//! carrier empties the queue (dev_deactivate's qdisc reset).
template <class D, class K>
void linkwatch_fire(K& k, D& d, net_device_state& st) {
    const bool on = d.carrier();
    if (on == ((st.flags & iff_lower_up) != 0))
        return;
    if (on) {
        st.flags |= iff_lower_up | iff_running;
    } else {
        st.flags &= ~(iff_lower_up | iff_running);
        skb_queue_purge(k, st.qdisc);
        st.qstats.qlen = 0;
        st.qstats.backlog = 0;
    }
    call_netdevice_notifiers(k, st.ifindex, netdev_event::change);
}

//! dev_open: ENODEV for no such device; 0 when it is up already; otherwise
//! the driver's open (its error returned, nothing changed), the address it
//! has now, IFF_UP, its carrier, and NETDEV_UP for the families.
template <class K>
int dev_open(K& k, int ifindex) {
    net_device_state* st = k.dev_get_by_index(ifindex);
    if (!st)
        return -enodev;
    if (st->flags & iff_up)
        return 0;
    if constexpr (K::devices::count > 0) {
        const int err = k.with_device(ifindex, [&]<class D>(D& d, net_device_state& s) {
            if (const int e = d.open())
                return e;
            netdev_read_addr(d, s);
            s.flags |= iff_up;
            s.flags &= ~(iff_lower_up | iff_running);
            if (d.carrier())
                s.flags |= iff_lower_up | iff_running;
            return 0;
        });
        if (err)
            return err;
        call_netdevice_notifiers(k, ifindex, netdev_event::up);
    }
    return 0;
}

//! dev_close: the families hear NETDEV_DOWN (neighbours and routes of the
//! device go), the queue is emptied, the driver stopped, the flags cleared.
//! 0 when it was down; ENODEV for no such device.
template <class K>
int dev_close(K& k, int ifindex) {
    net_device_state* st = k.dev_get_by_index(ifindex);
    if (!st)
        return -enodev;
    if (!(st->flags & iff_up))
        return 0;
    if constexpr (K::devices::count > 0) {
        st->flags &= ~iff_up;
        call_netdevice_notifiers(k, ifindex, netdev_event::down);
        k.with_device(ifindex, [&]<class D>(D& d, net_device_state& s) {
            skb_queue_purge(k, s.qdisc);
            s.qstats.qlen = 0;
            s.qstats.backlog = 0;
            d.stop();
            s.flags &= ~(iff_lower_up | iff_running);
        });
    }
    return 0;
}

//! net_rx_action: every device that is up (but lo, whose frames never wait)
//! has its carrier checked, is polled for up to NAPI_POLL_WEIGHT frames
//! while \p budget lasts, and has its queue run (a driver that was busy may
//! take frames now). Returns the frames received.
template <class K>
int net_rx_action(K& k, int budget = netdev_budget) {
    int done = 0;
    int ifindex = 1;
    ksock::detail::for_each_type(typename K::devices::list{}, [&]<class D>() {
        net_device_state& st = *k.dev_get_by_index(ifindex++);
        if constexpr (D::type != arphrd_loopback) {
            if (!(st.flags & iff_up))
                return;
            D& d = k.template device<D>();
            linkwatch_fire(k, d, st);
            const int left = budget - done;
            if (left > 0) {
                netdev_rx_sink<D, K> sink(k, st);
                int got = d.poll(sink, left < napi_poll_weight ? left : napi_poll_weight);
                if (got < 0)
                    got = 0;
                done += got < sink.taken() ? sink.taken() : got;
            }
            qdisc_run(k, d, st);
        }
    });
    return done;
}

} // namespace ksock::kernel
