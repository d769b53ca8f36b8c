// ksock/objects/sock.hpp: struct sock_common and struct sock (include/net/sock.h),
// with Linux's member names for every field the creation path sets.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/objects/kfunc.hpp>
#include <ksock/objects/list.hpp>
#include <ksock/objects/proto_desc.hpp>
#include <ksock/objects/sk_buff_head.hpp>
#include <ksock/objects/skb_list.hpp>
#include <ksock/objects/spinlock.hpp>
#include <ksock/objects/timer.hpp>
#include <ksock/uapi/types.hpp>
#include <ksock/uapi/value_names.hpp>

namespace ksock {

struct net;
struct socket;
struct socket_wq;

//! The part of the peer's credentials SO_PEERCRED reports.
struct sock_peer_cred {
    uid_t euid;
    gid_t egid;
};

//! TCP states (include/net/tcp_states.h); also used by every sk_state.
enum tcp_state : std::uint8_t {
    tcp_established = 1,
    tcp_syn_sent,
    tcp_syn_recv,
    tcp_fin_wait1,
    tcp_fin_wait2,
    tcp_time_wait,
    tcp_close,
    tcp_close_wait,
    tcp_last_ack,
    tcp_listen,
    tcp_closing,
    tcp_new_syn_recv,
    tcp_bound_inactive,
};
//! sk_state's names, for traces.
inline constexpr value_name tcp_state_names[] = {{tcp_established, -1, "TCP_ESTABLISHED"},
                                                 {tcp_syn_sent, -1, "TCP_SYN_SENT"},
                                                 {tcp_syn_recv, -1, "TCP_SYN_RECV"},
                                                 {tcp_fin_wait1, -1, "TCP_FIN_WAIT1"},
                                                 {tcp_fin_wait2, -1, "TCP_FIN_WAIT2"},
                                                 {tcp_time_wait, -1, "TCP_TIME_WAIT"},
                                                 {tcp_close, -1, "TCP_CLOSE"},
                                                 {tcp_close_wait, -1, "TCP_CLOSE_WAIT"},
                                                 {tcp_last_ack, -1, "TCP_LAST_ACK"},
                                                 {tcp_listen, -1, "TCP_LISTEN"},
                                                 {tcp_closing, -1, "TCP_CLOSING"},
                                                 {tcp_new_syn_recv, -1, "TCP_NEW_SYN_RECV"},
                                                 {tcp_bound_inactive, -1, "TCP_BOUND_INACTIVE"}};

//! enum sock_flags: bit numbers in sock::sk_flags.
enum sock_flags : unsigned {
    sock_dead,
    sock_done,
    sock_urginline,
    sock_keepopen,
    sock_linger,
    sock_destroy,
    sock_broadcast,
    sock_timestamp,
    sock_zapped,
    sock_use_write_queue,
    sock_dbg,
    sock_rcvtstamp,
    sock_rcvtstampns,
    sock_localroute,
    sock_memalloc,
    sock_timestamping_rx_software,
    sock_fasync,
    sock_rxq_ovfl,
    sock_zerocopy,
    sock_wifi_status,
    sock_nofcs,
    sock_filter_locked,
    sock_select_err_queue,
    sock_rcu_free,
    sock_txtime,
    sock_xdp,
    sock_tstamp_new,
    sock_rcvmark,
};

//! sk_userlocks bits.
inline constexpr std::uint8_t sock_sndbuf_lock = 1;
inline constexpr std::uint8_t sock_rcvbuf_lock = 2;
inline constexpr std::uint8_t sock_bind_lock = 4;
inline constexpr std::uint8_t sock_bind_port_lock = 8;

//! sk_reuse values.
inline constexpr std::uint8_t sk_no_reuse = 0;
inline constexpr std::uint8_t sk_can_reuse = 1;
inline constexpr std::uint8_t sk_force_reuse = 2;

//! MAX_SCHEDULE_TIMEOUT: "wait forever", LONG_MAX.
inline constexpr long max_schedule_timeout = LONG_MAX;
//! A timeout's one named value, for traces.
inline constexpr value_name schedule_timeout_names[] = {
    {max_schedule_timeout, -1, "MAX_SCHEDULE_TIMEOUT"}};
//! SK_DEFAULT_STAMP: -1 second in ns, "no timestamp yet".
inline constexpr std::int64_t sk_default_stamp = -1000000000LL;
//! GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS).
inline constexpr std::uint32_t gfp_kernel = 0xcc0;
//! NO_QUEUE_MAPPING for sk_tx_queue_mapping / sk_rx_queue_mapping.
inline constexpr std::uint16_t no_queue_mapping = 0xffff;

//! struct sock_cgroup_data: what cgroup_sk_alloc / sock_update_classid /
//! sock_update_netprioidx copy from the creating task.
struct sock_cgroup_data {
    std::uint32_t classid;
    std::uint16_t prioidx;
};

//! struct page_frag (sk_frag).
struct page_frag {
    void* page;
    std::uint32_t offset;
    std::uint32_t size;
};

//! socket_lock_t: the socket lock and its owner flag.
struct socket_lock_t {
    spinlock_t slock;
    int owned;
};

//! struct sock_common: the part shared with request and timewait socks.
struct sock_common {
    std::uint32_t skc_daddr;     //!< inet_daddr
    std::uint32_t skc_rcv_saddr; //!< inet_rcv_saddr
    std::uint32_t skc_hash;
    std::uint16_t skc_dport; //!< inet_dport (network order)
    std::uint16_t skc_num;   //!< inet_num (host order)
    unsigned short skc_family;
    std::uint8_t skc_state;
    std::uint8_t skc_reuse;
    std::uint8_t skc_reuseport;
    std::uint8_t skc_ipv6only;
    std::uint8_t skc_net_refcnt;
    int skc_bound_dev_if;
    hlist_node skc_bind_node;
    const proto_desc* skc_prot;
    net* skc_net;
    hlist_node skc_node;
    std::uint16_t skc_tx_queue_mapping;
    std::uint16_t skc_rx_queue_mapping;
    int skc_incoming_cpu;
    std::uint32_t skc_rcv_wnd;
    int skc_refcnt; //!< refcount_t
};

//! struct sock: the network-layer representation of a socket. Linux's
//! sk_family, sk_state, sk_prot, sk_refcnt ... are `#define` aliases into
//! sk_common; ksock spells them as the accessors below.
struct sock {
    //! Linux's __sk_common: C++ reserves names that begin with two
    //! underscores, so the first link of the chain drops them.
    sock_common sk_common;
    socket_lock_t sk_lock;
    //! What arrived while a system call owned the socket (sk_lock.owned),
    //! processed by release_sock in arrival order.
    skb_list sk_backlog;
    sk_buff_head sk_receive_queue;
    sk_buff_head sk_write_queue;
    sk_buff_head sk_error_queue;
    int sk_rcvbuf;
    int sk_sndbuf;
    int sk_rmem_alloc;
    int sk_wmem_alloc;
    int sk_omem_alloc;
    int sk_forward_alloc;
    int sk_wmem_queued;
    int sk_drops;
    unsigned long sk_flags; //!< bits of sock_flags
    std::uint16_t sk_type;
    std::uint16_t sk_protocol;
    std::uint8_t sk_kern_sock;
    std::uint8_t sk_userlocks;
    std::uint8_t sk_shutdown;
    std::uint8_t sk_pacing_shift;
    std::uint8_t sk_txrehash;
    std::uint8_t sk_use_task_frag;
    std::uint8_t sk_no_check_tx;
    std::uint8_t sk_no_check_rx;
    std::uint32_t sk_allocation; //!< gfp_t
    long sk_lingertime;
    const proto_desc* sk_prot_creator;
    rwlock_t sk_callback_lock;
    int sk_err;
    int sk_err_soft;
    std::uint32_t sk_ack_backlog;
    std::uint32_t sk_max_ack_backlog;
    uid_t sk_uid;
    std::uint32_t sk_priority;
    std::uint32_t sk_mark;
    unsigned long sk_pacing_rate;
    unsigned long sk_max_pacing_rate;
    int sk_peek_off;
    int sk_rcvlowat;
    long sk_rcvtimeo;
    long sk_sndtimeo;
    int sk_write_pending;
    std::uint32_t sk_napi_id;
    std::uint32_t sk_ll_usec;
    std::int64_t sk_stamp;
    std::uint32_t sk_tsflags;
    std::uint32_t sk_zckey;
    timer_list sk_timer;
    socket* sk_socket;
    socket_wq* sk_wq;
    void* sk_user_data;
    void* sk_send_head;
    rb_root tcp_rtx_queue; //!< TCP's retransmit queue (a union with sk_send_head in Linux)
    void* sk_dst_cache;
    //! sk_peer_pid and sk_peer_cred: the peer's pid and effective ids when
    //! it connected (PF_UNIX sets them at socketpair, listen and connect),
    //! what SO_PEERCRED reports. Linux holds a struct pid and a cred; ksock
    //! the values (pid 0: no peer credentials).
    int sk_peer_pid;
    sock_peer_cred sk_peer_cred;
    page_frag sk_frag;
    sock_cgroup_data sk_cgrp_data;
    unsigned long sk_ino; //!< 6.18: the socket inode number, cached by sk_set_socket
    kfunc sk_state_change;
    kfunc sk_data_ready;
    kfunc sk_write_space;
    kfunc sk_error_report;
    kfunc sk_backlog_rcv;
    kfunc sk_destruct;

    // The kernel's aliases into sk_common.
    constexpr unsigned short& sk_family() noexcept { return sk_common.skc_family; }
    constexpr unsigned short sk_family() const noexcept { return sk_common.skc_family; }
    constexpr std::uint8_t& sk_state() noexcept { return sk_common.skc_state; }
    constexpr std::uint8_t sk_state() const noexcept { return sk_common.skc_state; }
    constexpr std::uint8_t& sk_reuse() noexcept { return sk_common.skc_reuse; }
    constexpr std::uint8_t sk_reuse() const noexcept { return sk_common.skc_reuse; }
    constexpr std::uint8_t& sk_reuseport() noexcept { return sk_common.skc_reuseport; }
    constexpr std::uint8_t sk_reuseport() const noexcept { return sk_common.skc_reuseport; }
    constexpr const proto_desc*& sk_prot() noexcept { return sk_common.skc_prot; }
    constexpr const proto_desc* sk_prot() const noexcept { return sk_common.skc_prot; }
    constexpr net*& sk_net() noexcept { return sk_common.skc_net; }
    constexpr net* sk_net() const noexcept { return sk_common.skc_net; }
    constexpr int& sk_refcnt() noexcept { return sk_common.skc_refcnt; }
    constexpr int sk_refcnt() const noexcept { return sk_common.skc_refcnt; }
    constexpr int& sk_incoming_cpu() noexcept { return sk_common.skc_incoming_cpu; }
    constexpr int sk_incoming_cpu() const noexcept { return sk_common.skc_incoming_cpu; }
    constexpr int& sk_bound_dev_if() noexcept { return sk_common.skc_bound_dev_if; }
    constexpr int sk_bound_dev_if() const noexcept { return sk_common.skc_bound_dev_if; }
    constexpr std::uint8_t& sk_net_refcnt() noexcept { return sk_common.skc_net_refcnt; }
    constexpr std::uint8_t sk_net_refcnt() const noexcept { return sk_common.skc_net_refcnt; }
};

constexpr bool sock_flag(const sock& sk, sock_flags f) noexcept {
    return (sk.sk_flags >> f) & 1UL;
}
constexpr void sock_set_flag(sock& sk, sock_flags f) noexcept {
    sk.sk_flags |= 1UL << f;
}
constexpr void sock_reset_flag(sock& sk, sock_flags f) noexcept {
    sk.sk_flags &= ~(1UL << f);
}
constexpr void sock_valbool_flag(sock& sk, sock_flags f, bool on) noexcept {
    on ? sock_set_flag(sk, f) : sock_reset_flag(sk, f);
}

//! sock_error(): the pending asynchronous error as -errno, taken (SO_ERROR
//! and every receive report it once).
constexpr int sock_error(sock& sk) noexcept {
    const int err = sk.sk_err;
    if (!err)
        return 0;
    sk.sk_err = 0;
    return -err;
}

static_assert(std::is_standard_layout_v<sock_common> && std::is_trivially_copyable_v<sock_common>,
              "ksock::sock_common: must be standard-layout and trivially copyable");
static_assert(std::is_standard_layout_v<sock> && std::is_trivially_copyable_v<sock>,
              "ksock::sock: must be standard-layout and trivially copyable");
static_assert(offsetof(sock, sk_common) == 0,
              "ksock::sock: sk_common must be the first member (offset 0)");

} // namespace ksock
