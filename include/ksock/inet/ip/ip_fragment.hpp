// ksock/inet/ip/ip_fragment.hpp: reassembly of IPv4 fragments (net/ipv4/
// ip_fragment.c, net/ipv4/inet_fragment.c): the queue of a datagram (its
// source, destination, id and protocol), fragments kept in order of offset,
// the datagram joined without copying once its first and last fragments
// and every byte between have come (the fragments' chains linked, their
// headers pulled, as Linux links them in frag_list), and the queue's timer
// (ipfrag_time, 30 s: then ICMP time exceeded if the first fragment came).
//
// Hostile fragments: a fragment past 65535 bytes or past
// Config::ipfrag_max_size, one that overlaps another (but for an exact
// duplicate, which is dropped alone: Linux drops the whole queue for an
// overlap since 4.19), a last fragment that contradicts the length known,
// each kill the queue (ReasmFails). When every queue is taken, a new
// datagram's fragment is dropped.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/core/skbuff.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/byteorder.hpp>

namespace ksock::inet {

//! ipq flags (INET_FRAG_FIRST_IN, INET_FRAG_LAST_IN, include/net/inet_frag.h): the fragment at
//! offset 0 came, the last fragment came.
//!@{
inline constexpr std::uint8_t inet_frag_first_in = 0x01;
inline constexpr std::uint8_t inet_frag_last_in = 0x02;
//!@}
//! ICMP_EXC_FRAGTIME.
inline constexpr std::uint8_t icmp_exc_fragtime = 1;

//! The identification field of the datagram \p skb holds, network order.
inline std::uint16_t frag_id(const sk_buff* skb) noexcept {
    std::uint16_t id = 0;
    skb_copy_bits(skb, 4, &id, 2);
    return id;
}

//! inet_frag_kill + the queue's skbs freed: the slot is free again.
template <class Ctx>
void ipq_kill(Ctx& ctx, ipq& q) noexcept {
    for (sk_buff* f = q.fragments; f;) {
        sk_buff* next = f->next;
        f->next = nullptr;
        kfree_skb(ctx, f);
        f = next;
    }
    q = ipq{};
    --ipv4_tables(ctx).frags_used;
}

//! ip_frag_reasm: link the fragments' chains behind the first, whose
//! header now says the whole length, no fragment, and has its checksum
//! again; the datagram is charged what its fragments were. Null (the queue
//! killed) when the datagram would pass 65535 bytes.
template <class Ctx>
sk_buff* ip_frag_reasm(Ctx& ctx, ipq& q) noexcept {
    sk_buff* head = q.fragments;
    const inet_skb_cb hcb = inet_cb(*head);
    if (hcb.ihl + q.len > ip_max_len) {
        ipq_kill(ctx, q);
        return nullptr;
    }
    sk_buff* tail = head;
    while (tail->frag_next)
        tail = tail->frag_next;
    std::uint32_t truesize = head->truesize;
    for (sk_buff* f = head->next; f;) {
        sk_buff* next = f->next;
        f->next = nullptr;
        skb_pull(f, inet_cb(*f).ihl);
        head->msg_len += f->msg_len;
        truesize += f->truesize;
        tail->frag_next = f;
        while (tail->frag_next)
            tail = tail->frag_next;
        f = next;
    }
    head->next = nullptr;
    head->truesize = truesize;
    iphdr h{};
    skb_copy_bits(head, 0, &h, sizeof h);
    h.tot_len = ksock::cpu_to_be16(static_cast<std::uint16_t>(head->msg_len));
    h.frag_off &= ksock::cpu_to_be16(ip_df);
    ip_send_check(head, h, hcb.ihl);
    inet_skb_cb& cb = inet_cb(*head);
    cb.tot_len = static_cast<std::uint16_t>(head->msg_len);
    cb.frag_mf = 0;
    cb.frag_off = 0;
    q = ipq{};
    --ipv4_tables(ctx).frags_used;
    return head;
}

//! ip_defrag: \p skb (a fragment, its cb filled by ip_rcv) joins its
//! datagram's queue; the whole datagram when it completes it, else null
//! (kept, or dropped). ReasmReqds for each fragment, ReasmOKs and
//! ReasmFails as Linux counts them.
template <class Ctx>
sk_buff* ip_defrag(Ctx& ctx, sk_buff* skb) {
    ip_mib& mib = ipv4_net(ctx).mib.ip;
    auto& t = ipv4_tables(ctx);
    using caps = inet_config<typename Ctx::config>;
    ++mib.reasm_reqds;
    const inet_skb_cb& cb = inet_cb(*skb);
    ipq* q = nullptr;
    ipq* spare = nullptr;
    for (ipq& e : t.frags) {
        if (e.used && e.saddr == cb.saddr && e.daddr == cb.daddr && e.id == frag_id(skb) &&
            e.protocol == cb.protocol)
            q = &e;
        else if (!e.used && !spare)
            spare = &e;
    }
    if (!q) {
        if (!spare) {
            ++mib.reasm_fails;
            kfree_skb(ctx, skb);
            return nullptr;
        }
        q = spare;
        *q = ipq{cb.saddr,
                 cb.daddr,
                 frag_id(skb),
                 cb.protocol,
                 0,
                 0,
                 0,
                 ctx.jiffies() +
                     1000ul * static_cast<unsigned long>(ipv4_net(ctx).sysctl.ipfrag_time),
                 cb.iif,
                 true,
                 nullptr};
        ++t.frags_used;
    }
    const std::uint32_t offset = cb.frag_off;
    std::uint32_t end = offset + (cb.tot_len - cb.ihl);
    bool bad = end > 65535 || end > caps::ipfrag_max_size;
    if (!bad && !cb.frag_mf) {
        // The last fragment: it fixes the length, which must agree.
        bad = end < q->len || ((q->flags & inet_frag_last_in) && end != q->len);
        q->flags |= inet_frag_last_in;
        q->len = end;
    } else if (!bad) {
        end &= ~7u;
        if (end > q->len) {
            bad = (q->flags & inet_frag_last_in) != 0;
            q->len = end;
        }
    }
    bad = bad || end <= offset; // nothing left of it: discard_qp
    // Find the place in offset order; a duplicate goes, an overlap is fatal.
    sk_buff** link = &q->fragments;
    while (!bad && *link) {
        const inet_skb_cb& o = inet_cb(**link);
        const std::uint32_t o_end = std::uint32_t{o.frag_off} + o.tot_len - o.ihl;
        if (o.frag_off == offset && o_end == end) {
            kfree_skb(ctx, skb);
            return nullptr;
        }
        if (offset < o_end && o.frag_off < end)
            bad = true;
        else if (o.frag_off > offset)
            break;
        else
            link = &(*link)->next;
    }
    if (bad) {
        ++mib.reasm_fails;
        kfree_skb(ctx, skb);
        ipq_kill(ctx, *q);
        return nullptr;
    }
    // Trim the payload to the 8-byte boundary the offset rule kept.
    skb_trim(ctx, skb, cb.ihl + (end - offset));
    inet_cb(*skb).tot_len = static_cast<std::uint16_t>(cb.ihl + (end - offset));
    skb->next = *link;
    *link = skb;
    q->meat += end - offset;
    if (!offset)
        q->flags |= inet_frag_first_in;
    if (q->flags == (inet_frag_first_in | inet_frag_last_in) && q->meat == q->len) {
        sk_buff* whole = ip_frag_reasm(ctx, *q);
        if (whole)
            ++mib.reasm_oks;
        else
            ++mib.reasm_fails;
        return whole;
    }
    return nullptr;
}

//! ip_expire for every queue whose time is up: ReasmFails and
//! ReasmTimeout; if its first fragment came, ICMP time exceeded (fragment
//! reassembly time) goes back with it.
template <class Ctx>
void ipq_on_tick(Ctx& ctx) {
    const unsigned long now = ctx.jiffies();
    auto& t = ipv4_tables(ctx);
    if (!t.frags_used)
        return;
    for (ipq& q : t.frags) {
        if (!q.used || static_cast<long>(now - q.expires) < 0)
            continue;
        ip_mib& mib = ipv4_net(ctx).mib.ip;
        ++mib.reasm_fails;
        ++mib.reasm_timeout;
        if ((q.flags & inet_frag_first_in) && q.fragments)
            icmp_send(ctx, q.fragments, icmp_t_time_exceeded, icmp_exc_fragtime);
        ipq_kill(ctx, q);
    }
}

//! The milliseconds until the first queue expires, -1 when none waits.
template <class Ctx>
long ipq_next_timer(Ctx& ctx) noexcept {
    long best = -1;
    const unsigned long now = ctx.jiffies();
    for (const ipq& q : ipv4_tables(ctx).frags) {
        if (!q.used)
            continue;
        const long d = static_cast<long>(q.expires - now);
        const long left = d < 0 ? 0 : d;
        if (best < 0 || left < best)
            best = left;
    }
    return best;
}

} // namespace ksock::inet
