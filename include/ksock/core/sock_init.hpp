// ksock/core/sock_init.hpp: the generic construction and teardown of a sock
// (net/core/sock.c): sk_alloc's field setup, sock_init_data, sock_orphan,
// sk_common_release, sock_put / sk_free.
//
// Each step is split in two: a constexpr *values* part that writes the
// fields whose values do not depend on where the object lives (these build
// the protos' constexpr default images and run unchanged on a pool slot),
// and a run-time part for what needs addresses (queue heads pointing at
// themselves, the sock <-> socket links) and for tracing.
#pragma once

#include <cstdint>

#include <ksock/core/skbuff.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/platform.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/registry/proto.hpp>
#include <ksock/runtime/net.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>
#include <ksock/uapi/value_names.hpp>

namespace ksock {

//! What sk_alloc sets from who creates the sock and where: a kernel sock
//! holds no netns reference; the namespace; the caller's cgroup ids.
constexpr void sk_alloc_owner(sock& sk, int kern, net* n, std::uint32_t classid,
                              std::uint16_t prioidx) noexcept {
    sk.sk_kern_sock = static_cast<std::uint8_t>(kern);
    sk.sk_net_refcnt() = kern ? 0 : 1;
    sk.sk_net() = n;
    sk.sk_cgrp_data = {classid, prioidx};
}

//! sk_alloc after the zeroed allocation: family, proto, netns reference,
//! write-memory bias, cgroup ids, no TX queue.
constexpr void sk_alloc_values(sock& sk, const proto_desc* prot, int family, int kern, net* n,
                               std::uint32_t classid, std::uint16_t prioidx) noexcept {
    sk.sk_family() = static_cast<unsigned short>(family);
    sk.sk_prot() = prot;
    sk.sk_prot_creator = prot;
    spin_lock_init(sk.sk_lock.slock);
    sk.sk_wmem_alloc = 1;
    sk.sk_common.skc_tx_queue_mapping = no_queue_mapping;
    sk_alloc_owner(sk, kern, n, classid, prioidx);
}

//! The values sock_init_data reads from net.core's sysctls.
constexpr void sock_init_data_sysctl(sock& sk, const net_core_sysctl& s) noexcept {
    sk.sk_rcvbuf = s.rmem_default;
    sk.sk_sndbuf = s.wmem_default;
    sk.sk_ll_usec = static_cast<std::uint32_t>(s.busy_read);
}

//! sock_init_data_uid, the part that does not need addresses. The object
//! comes zeroed from sk_alloc (__GFP_ZERO), so the fields Linux sets to zero
//! or NULL here (sk_send_head, sk_timer, sk_frag, sk_peer_pid/cred,
//! sk_write_pending, sk_zckey, sk_napi_id, sk_drops) are already so and are
//! not written again: a firmware build pays for the non-zero values only.
constexpr void sock_init_data_values(sock& sk, const net_core_sysctl& s, int type,
                                     uid_t uid) noexcept {
    spin_lock_init(sk.sk_receive_queue.lock);
    spin_lock_init(sk.sk_write_queue.lock);
    spin_lock_init(sk.sk_error_queue.lock);
    spin_lock_init(sk.sk_callback_lock);
    sk.sk_allocation = gfp_kernel;
    sk.sk_state() = tcp_close;
    sk.sk_use_task_frag = 1;
    sock_set_flag(sk, sock_zapped);
    sk.sk_type = static_cast<std::uint16_t>(type);
    sk.sk_uid = uid;
    sk.sk_state_change = kfunc::sock_def_wakeup;
    sk.sk_data_ready = kfunc::sock_def_readable;
    sk.sk_write_space = kfunc::sock_def_write_space;
    sk.sk_error_report = kfunc::sock_def_error_report;
    sk.sk_destruct = kfunc::sock_def_destruct;
    sk.sk_peek_off = -1;
    sk.sk_rcvlowat = 1;
    sk.sk_rcvtimeo = max_schedule_timeout;
    sk.sk_sndtimeo = max_schedule_timeout;
    sk.sk_stamp = sk_default_stamp;
    sk.sk_max_pacing_rate = ~0UL;
    sk.sk_pacing_rate = ~0UL;
    sk.sk_pacing_shift = 10;
    sk.sk_incoming_cpu() = -1;
    sk.sk_common.skc_rx_queue_mapping = no_queue_mapping;
    sk.sk_refcnt() = 1;
    sock_init_data_sysctl(sk, s);
}

//! sock_init_data's links, which need addresses: empty queues point at
//! themselves, sk <-> socket, sk_wq, the socket's type and the inode's uid
//! and number.
inline void sock_init_data_links(ksock::socket* so, sock& sk) noexcept {
    // The heads' locks are sock_init_data_values', their lengths zero.
    skb_queue_head_link(sk.sk_receive_queue);
    skb_queue_head_link(sk.sk_write_queue);
    skb_queue_head_link(sk.sk_error_queue);
    if (so) {
        const inode* ino = SOCK_INODE(so);
        sk.sk_type = static_cast<std::uint16_t>(so->type);
        sk.sk_uid = ino->i_uid;
        sk.sk_socket = so; // sk_set_socket
        sk.sk_ino = ino->i_ino;
        sk.sk_wq = &so->wq;
        so->sk = &sk;
    }
}

//! sock_init_data(so, sk): values, then the address-dependent links.
template <class Trace>
void sock_init_data(ksock::socket* so, sock& sk, Trace& trace) noexcept {
    trace_scope<Trace> ts(trace, "sock_init_data");
    sock_init_data_values(sk, sk.sk_net()->sysctl, 0, 0);
    sock_init_data_links(so, sk);
    if constexpr (Trace::enabled) {
        trace.field("sk_rcvbuf", sk.sk_rcvbuf);
        trace.field("sk_sndbuf", sk.sk_sndbuf);
        trace.field("sk_state", sk.sk_state(), names_in(value_base::dec, tcp_state_names));
        trace.field("sk_type", sk.sk_type, names_in(value_base::dec, sock_type_names));
        trace.field("sk_uid", sk.sk_uid);
        trace.field("sk_rcvlowat", sk.sk_rcvlowat);
        trace.field("sk_rcvtimeo", sk.sk_rcvtimeo,
                    names_in(value_base::dec, schedule_timeout_names));
        trace.field("sk_peek_off", sk.sk_peek_off);
        trace.field("sk_pacing_shift", sk.sk_pacing_shift);
        trace.field("sk_incoming_cpu", sk.sk_incoming_cpu());
        trace.text("sk_data_ready", kfunc_name(sk.sk_data_ready));
        trace.text("sk_write_space", kfunc_name(sk.sk_write_space));
        trace.field("sk_refcnt", sk.sk_refcnt());
    }
}

//! A sock made from its proto's image (a copy of P::defaults in place):
//! sk_alloc's owner and namespace count, then sock_init_data's links and
//! the net.core values, which may differ from the defaults the image was
//! built with. What sk_alloc and sock_init_data leave is then the same as
//! on the step-by-step path (test/core/image_create.cpp checks it).
template <class Ctx>
KSOCK_ALWAYS_INLINE inline void sock_from_image(Ctx& ctx, ksock::socket* so, sock& sk,
                                                int kern) noexcept {
    sk_alloc_owner(sk, kern, &ctx.net(), ctx.cgroup_classid(), ctx.cgroup_prioidx());
    if (!kern)
        ++ctx.net().sock_inuse;
    sock_init_data_links(so, sk);
    sock_init_data_sysctl(sk, ctx.net().sysctl);
}

//! sock_orphan: the sock outlives its socket (SOCK_DEAD, no wait queue).
constexpr void sock_orphan(sock& sk) noexcept {
    sock_set_flag(sk, sock_dead);
    sk.sk_socket = nullptr;
    sk.sk_wq = nullptr;
}

//! Linux's __sk_free (a name C++ reserves, hence sk_free_final): the
//! destructor runs (sk_destruct purges the queues: what is
//! left there is freed, and each skb's charge goes back to whoever paid for
//! it), the netns reference goes, the object returns to its proto's pool.
template <class P, class Ctx>
KSOCK_ALWAYS_INLINE inline void sk_free_final(Ctx& ctx, sock& sk) noexcept {
    skb_queue_purge(ctx, sk.sk_receive_queue);
    skb_queue_purge(ctx, sk.sk_write_queue);
    skb_queue_purge(ctx, sk.sk_error_queue);
    if (sk.sk_net_refcnt())
        --ctx.net().sock_inuse;
    ctx.template obj_free<P>(sk_cast<typename P::obj_type>(&sk));
}

//! sk_free: the last reference is gone; the memory goes once no skb charged
//! to sk_wmem_alloc is left either (sk_wmem_alloc's bias of 1 is the sock's
//! own, as in Linux).
template <class P, class Ctx>
KSOCK_ALWAYS_INLINE inline void sk_free(Ctx& ctx, sock& sk) noexcept {
    if (--sk.sk_wmem_alloc == 0)
        sk_free_final<P>(ctx, sk);
}

//! sock_hold / sock_put: take and drop a reference; the last sock_put
//! frees the sock (sk_free).
//!@{
constexpr void sock_hold(sock& sk) noexcept {
    ++sk.sk_refcnt();
}
template <class P, class Ctx>
KSOCK_ALWAYS_INLINE inline void sock_put(Ctx& ctx, sock& sk) noexcept {
    if (--sk.sk_refcnt() == 0)
        sk_free<P>(ctx, sk);
}
//!@}

//! sk_common_release: destroy, unhash, detach from the socket, orphan, put.
template <class P, class Ctx>
void sk_common_release(Ctx& ctx, sock& sk) noexcept {
    if constexpr (detail::has_destroy<P>)
        P::destroy(ctx, sk);
    if constexpr (detail::has_unhash<P>)
        P::unhash(ctx, sk);
    if (sk.sk_socket)
        sk.sk_socket->sk = nullptr;
    sock_orphan(sk);
    sock_put<P>(ctx, sk);
}

} // namespace ksock
