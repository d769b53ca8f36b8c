// ksock/inet/ip/neighbour.hpp: arp_tbl's neighbour entries and their state
// machine (net/core/neighbour.c): lookup and creation (with neigh_forced_gc
// when the table is full), neigh_update, __neigh_event_send (an unresolved
// entry parks its packets and probes), the timer (neigh_timer_handler:
// REACHABLE -> DELAY/STALE, DELAY -> REACHABLE/PROBE, probes until FAILED),
// neigh_invalidate (each parked packet reported back, then dropped) and the
// periodic work (a new random reachable time every 300 s, gc past
// gc_thresh1). ARP is the table's protocol (arp.hpp): it solicits and
// reports, and these functions call it.
//
// Linux's values (net.ipv4.neigh.default.*, checked on a 6.18 host): 3
// broadcast probes 1 s apart for a new entry, then FAILED at 3 s; reachable
// time 30 s drawn in [15 s, 45 s); delay_first_probe_time 5 s; 3 unicast
// probes from PROBE; locktime 1 s. Timers are jiffies (ms).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/core/skbuff.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/rtnetlink.hpp>

namespace ksock::inet {

//! NUD_IN_TIMER, NUD_VALID, NUD_CONNECTED (include/net/neighbour.h): the states a timer runs in,
//! the states with a usable address, and the confirmed ones.
//!@{
inline constexpr std::uint8_t nud_in_timer = nud_incomplete | nud_reachable | nud_delay | nud_probe;
inline constexpr std::uint8_t nud_valid =
    nud_permanent | nud_noarp | nud_reachable | nud_probe | nud_stale | nud_delay;
inline constexpr std::uint8_t nud_connected = nud_permanent | nud_noarp | nud_reachable;
//!@}

//! neigh_update's flags (NEIGH_UPDATE_F_*): override a known address; an administrative change (`ip
//! neigh`).
//!@{
inline constexpr unsigned neigh_update_f_override = 1u << 0;
inline constexpr unsigned neigh_update_f_admin = 1u << 7;
//!@}

// The table's protocol (arp.hpp): arp_solicit sends a probe, arp_error_report
// answers a parked packet that will never leave, neigh_xmit sends one with
// the entry's hardware address.
template <class Ctx>
void arp_solicit(Ctx& ctx, neighbour& n, const sk_buff* skb);
template <class Ctx>
void arp_error_report(Ctx& ctx, sk_buff* skb);
template <class Ctx>
int neigh_xmit(Ctx& ctx, const neighbour& n, sk_buff* skb);

//! Jiffies (ms) from a neigh_parms value in \p ms.
constexpr unsigned long neigh_ms(int ms) noexcept {
    return ms > 0 ? static_cast<unsigned long>(ms) : 0ul;
}
//! neigh_max_probes: unicast + application probes, then the multicast
//! ones (mcast_resolicit for an entry in PROBE).
inline int neigh_max_probes(const neigh_parms& p, const neighbour& n) noexcept {
    return p.ucast_solicit + p.app_solicit +
           ((n.nud_state & nud_probe) ? p.mcast_resolicit : p.mcast_solicit);
}
//! neigh_rand_reach_time: a random time in [base / 2, 3 * base / 2).
template <class Ctx>
unsigned long neigh_rand_reach_time(Ctx& ctx, unsigned long base) noexcept {
    if (!base)
        return 0;
    return static_cast<unsigned long>(
               (static_cast<std::uint64_t>(ctx.net().prandom_u32()) * base) >> 32) +
           (base >> 1);
}
//! The reachable time of device \p ifindex's entries.
template <class Ctx>
unsigned long neigh_reachable_time(Ctx& ctx, int ifindex) noexcept {
    return ipv4_tables(ctx).in_dev[ifindex - 1].reachable_time;
}

//! neigh_lookup: the entry of \p key on device \p ifindex, or null.
template <class Ctx>
neighbour* neigh_lookup(Ctx& ctx, int ifindex, std::uint32_t key) noexcept {
    auto& t = ipv4_tables(ctx);
    ++t.neigh_stats.lookups;
    for (neighbour& n : t.neigh)
        if (n.ifindex == ifindex && n.primary_key == key) {
            ++t.neigh_stats.hits;
            return &n;
        }
    return nullptr;
}

//! neigh_destroy for a slot: its parked packets are dropped.
template <class Ctx>
void neigh_release_slot(Ctx& ctx, neighbour& n) noexcept {
    skb_queue_purge(ctx, n.arp_queue);
    n = neighbour{};
    auto& t = ipv4_tables(ctx);
    ++t.neigh_stats.destroys;
    --t.neigh_used;
}

//! neigh_forced_gc: free the entries nothing needs (not in a timer, not
//! permanent) that are FAILED or NOARP or were not updated in the last 5 s.
//! True when one was freed.
template <class Ctx>
bool neigh_forced_gc(Ctx& ctx) noexcept {
    auto& t = ipv4_tables(ctx);
    ++t.neigh_stats.forced_gc_runs;
    const unsigned long now = ctx.jiffies();
    bool shrunk = false;
    for (neighbour& n : t.neigh) {
        if (!n.ifindex || (n.nud_state & (nud_in_timer | nud_permanent)))
            continue;
        if (n.nud_state == nud_failed || n.nud_state == nud_noarp || n.nud_state == nud_none ||
            static_cast<long>(now - n.updated) > 5 * 1000) {
            neigh_release_slot(ctx, n);
            shrunk = true;
        }
    }
    return shrunk;
}

//! __neigh_create: a new entry (NUD_NONE) for \p key on device \p ifindex;
//! null when the table is full even after a forced gc (table_fulls).
template <class Ctx>
neighbour* neigh_create(Ctx& ctx, int ifindex, std::uint32_t key) noexcept {
    auto& t = ipv4_tables(ctx);
    auto free_slot = [&]() -> neighbour* {
        for (neighbour& n : t.neigh)
            if (!n.ifindex)
                return &n;
        return nullptr;
    };
    neighbour* n = free_slot();
    if (!n && neigh_forced_gc(ctx))
        n = free_slot();
    if (!n) {
        ++t.neigh_stats.table_fulls;
        return nullptr;
    }
    *n = neighbour{};
    n->ifindex = ifindex;
    n->primary_key = key;
    n->updated = n->used = ctx.jiffies();
    // A new entry has never been confirmed (neigh_alloc: confirmed is
    // set twice the base reachable time back).
    n->confirmed = ctx.jiffies() - 2 * neigh_ms(ipv4_net(ctx).neigh.base_reachable_time_ms);
    skb_queue_head_init(n->arp_queue);
    ++t.neigh_stats.allocs;
    ++t.neigh_used;
    return n;
}

//! neigh_add_timer / neigh_del_timer: an entry's one timer.
inline void neigh_add_timer(neighbour& n, unsigned long when) noexcept {
    n.timer = when;
}

//! neigh_invalidate: a FAILED entry reports each parked packet back
//! (arp_error_report: ICMP host unreachable to its sender), then drops it.
template <class Ctx>
void neigh_invalidate(Ctx& ctx, neighbour& n) {
    ++ipv4_tables(ctx).neigh_stats.res_failed;
    while (n.nud_state == nud_failed) {
        sk_buff* skb = skb_dequeue(n.arp_queue);
        if (!skb)
            break;
        arp_error_report(ctx, skb);
    }
    skb_queue_purge(ctx, n.arp_queue);
}

//! neigh_probe: one more probe, about the newest parked packet.
template <class Ctx>
void neigh_probe(Ctx& ctx, neighbour& n) {
    arp_solicit(ctx, n, skb_peek_tail(n.arp_queue));
    ++n.probes;
}

//! neigh_update to \p new_state with hardware address \p lladdr (null: keep
//! it), as ARP calls it: an entry a packet proved is REACHABLE, one a
//! request or broadcast named is STALE. Without OVERRIDE a valid entry
//! keeps a different address it has; a valid entry told STALE with its own
//! address keeps its state. An entry that becomes valid sends what it
//! parked.
template <class Ctx>
void neigh_update(Ctx& ctx, neighbour& n, const unsigned char* lladdr, std::uint8_t new_state,
                  unsigned flags) {
    const std::uint8_t old = n.nud_state;
    const net_device_state& dev = *ctx.dev_get_by_index(n.ifindex);
    const unsigned long now = ctx.jiffies();
    if ((old & (nud_noarp | nud_permanent)) && !(flags & neigh_update_f_admin))
        return;
    if (!(new_state & nud_valid)) {
        n.nud_state = new_state;
        if ((old & (nud_incomplete | nud_probe)) && (new_state & nud_failed))
            neigh_invalidate(ctx, n);
        return;
    }
    bool same = !lladdr || !dev.addr_len ||
                ((old & nud_valid) && std::memcmp(lladdr, n.ha, dev.addr_len) == 0);
    if (!lladdr && !(old & nud_valid))
        return; // nothing to resolve with
    if (new_state & nud_connected)
        n.confirmed = now;
    if (old & nud_valid) {
        if (!same && !(flags & neigh_update_f_override))
            return;
        if (same && new_state == nud_stale && !(flags & neigh_update_f_admin))
            new_state = old;
    }
    if (new_state != old || !same)
        n.updated = now;
    if (new_state != old) {
        if (new_state & nud_probe)
            n.probes = 0;
        if (new_state & nud_in_timer)
            neigh_add_timer(
                n, now + ((new_state & nud_reachable) ? neigh_reachable_time(ctx, n.ifindex) : 0));
        n.nud_state = new_state;
    }
    if (!same) {
        std::memcpy(n.ha, lladdr, dev.addr_len);
        if (!(new_state & nud_connected))
            n.confirmed = now - 2 * neigh_ms(ipv4_net(ctx).neigh.base_reachable_time_ms);
    }
    if (new_state == old || (old & nud_valid))
        return;
    // Resolved: what waited goes now, oldest first.
    while (n.nud_state & nud_valid) {
        sk_buff* skb = skb_dequeue(n.arp_queue);
        if (!skb)
            break;
        neigh_xmit(ctx, n, skb);
    }
    skb_queue_purge(ctx, n.arp_queue);
}

//! __neigh_event_send for a packet about to use \p n: 0 when it may leave
//! now with the entry's address; 1 when it was parked (INCOMPLETE: up to
//! Config::neigh_unres_qlen, the oldest dropped past it) or dropped. An
//! entry that knows nothing starts resolving: INCOMPLETE, the first probe
//! at once; a STALE one is used and rechecked after delay_first_probe_time.
template <class Ctx>
int neigh_event_send(Ctx& ctx, neighbour& n, sk_buff* skb) {
    const unsigned long now = ctx.jiffies();
    n.used = now;
    if (n.nud_state & (nud_connected | nud_delay | nud_probe))
        return 0;
    const neigh_parms& p = ipv4_net(ctx).neigh;
    bool probe_now = false;
    if (!(n.nud_state & (nud_stale | nud_incomplete))) {
        if (p.mcast_solicit + p.app_solicit) {
            n.probes = static_cast<std::uint8_t>(p.ucast_solicit);
            n.nud_state = nud_incomplete;
            n.updated = now;
            neigh_add_timer(
                n, now + (neigh_ms(p.retrans_time_ms) > 10 ? neigh_ms(p.retrans_time_ms) : 10));
            probe_now = true;
        } else {
            n.nud_state = nud_failed;
            n.updated = now;
            kfree_skb(ctx, skb);
            return 1;
        }
    } else if (n.nud_state & nud_stale) {
        n.nud_state = nud_delay;
        n.updated = now;
        neigh_add_timer(n, now + 1000ul * static_cast<unsigned long>(p.delay_first_probe_time));
    }
    if (n.nud_state == nud_incomplete) {
        if (skb) {
            using caps = inet_config<typename Ctx::config>;
            while (skb_queue_len(n.arp_queue) >= caps::neigh_unres_qlen) {
                sk_buff* old = skb_dequeue(n.arp_queue);
                if (!old)
                    break;
                kfree_skb(ctx, old);
                ++ipv4_tables(ctx).neigh_stats.unres_discards;
            }
            skb_queue_tail(n.arp_queue, skb);
        }
        if (probe_now)
            neigh_probe(ctx, n);
        return 1;
    }
    return 0;
}

//! neigh_timer_handler for an entry whose timer expired.
template <class Ctx>
void neigh_timer_handler(Ctx& ctx, neighbour& n) {
    const neigh_parms& p = ipv4_net(ctx).neigh;
    const unsigned long now = ctx.jiffies();
    const unsigned long retrans =
        neigh_ms(p.retrans_time_ms) > 10 ? neigh_ms(p.retrans_time_ms) : 10;
    const unsigned long delay = 1000ul * static_cast<unsigned long>(p.delay_first_probe_time);
    const unsigned long reach = neigh_reachable_time(ctx, n.ifindex);
    unsigned long next = now + 1000;
    const std::uint8_t state = n.nud_state;
    if (!(state & nud_in_timer))
        return;
    if (state & nud_reachable) {
        if (static_cast<long>(now - (n.confirmed + reach)) <= 0) {
            next = n.confirmed + reach;
        } else if (static_cast<long>(now - (n.used + delay)) <= 0) {
            n.nud_state = nud_delay;
            n.updated = now;
            next = now + delay;
        } else {
            n.nud_state = nud_stale;
            n.updated = now;
        }
    } else if (state & nud_delay) {
        if (static_cast<long>(now - (n.confirmed + delay)) <= 0) {
            n.nud_state = nud_reachable;
            n.updated = now;
            next = n.confirmed + reach;
        } else {
            n.nud_state = nud_probe;
            n.updated = now;
            n.probes = 0;
            next = now + retrans;
        }
    } else {
        next = now + retrans; // INCOMPLETE, PROBE
    }
    if ((n.nud_state & (nud_incomplete | nud_probe)) && n.probes >= neigh_max_probes(p, n)) {
        n.nud_state = nud_failed;
        n.updated = now;
        neigh_invalidate(ctx, n);
        return;
    }
    if (n.nud_state & nud_in_timer)
        neigh_add_timer(n, static_cast<long>(next - (now + 10)) < 0 ? now + 10 : next);
    if (n.nud_state & (nud_incomplete | nud_probe))
        neigh_probe(ctx, n);
}

//! neigh_ifdown: device \p ifindex went down: its entries go, with their
//! parked packets.
template <class Ctx>
void neigh_ifdown(Ctx& ctx, int ifindex) noexcept {
    for (neighbour& n : ipv4_tables(ctx).neigh)
        if (n.ifindex == ifindex)
            neigh_release_slot(ctx, n);
}

//! The neighbour table's share of a tick: every expired entry timer, and
//! neigh_periodic_work (every base_reachable_time / 2: a new random
//! reachable time per device each 300 s; gc of stale entries once the
//! table holds gc_thresh1 of them, which a table smaller than that never
//! does, as on Linux).
template <class Ctx>
void neigh_on_tick(Ctx& ctx) {
    auto& t = ipv4_tables(ctx);
    const unsigned long now = ctx.jiffies();
    if (t.neigh_used)
        for (neighbour& n : t.neigh)
            if (n.ifindex && (n.nud_state & nud_in_timer) && static_cast<long>(now - n.timer) >= 0)
                neigh_timer_handler(ctx, n);
    const neigh_parms& p = ipv4_net(ctx).neigh;
    if (static_cast<long>(now - t.neigh_next_work) < 0)
        return;
    t.neigh_next_work = now + neigh_ms(p.base_reachable_time_ms) / 2;
    if (static_cast<long>(now - (t.neigh_last_rand + 300ul * 1000)) > 0) {
        t.neigh_last_rand = now;
        for (in_device& d : t.in_dev)
            d.reachable_time = neigh_rand_reach_time(ctx, neigh_ms(p.base_reachable_time_ms));
    }
    std::size_t used = 0;
    for (const neighbour& n : t.neigh)
        used += n.ifindex != 0;
    if (used < static_cast<std::size_t>(p.gc_thresh1))
        return;
    for (neighbour& n : t.neigh)
        if (n.ifindex && !(n.nud_state & (nud_permanent | nud_in_timer)) &&
            (n.nud_state == nud_failed ||
             static_cast<long>(
                 now - (n.used + 1000ul * static_cast<unsigned long>(p.gc_stale_time))) > 0))
            neigh_release_slot(ctx, n);
}

//! The milliseconds until the earliest entry timer, -1 when none is armed.
template <class Ctx>
long neigh_next_timer(Ctx& ctx) noexcept {
    long best = -1;
    const unsigned long now = ctx.jiffies();
    for (const neighbour& n : ipv4_tables(ctx).neigh) {
        if (!n.ifindex || !(n.nud_state & nud_in_timer))
            continue;
        const long d = static_cast<long>(n.timer - now);
        const long left = d < 0 ? 0 : d;
        if (best < 0 || left < best)
            best = left;
    }
    return best;
}

} // namespace ksock::inet
