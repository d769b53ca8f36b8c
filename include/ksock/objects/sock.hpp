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
    uid_t euid; //!< effective user id
    gid_t egid; //!< effective group id
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
//! sk_userlocks bits (include/net/sock.h): the user fixed the buffer size with SO_SNDBUF /
//! SO_RCVBUF, or bound the address or port, so the kernel does not change it.
//!@{
inline constexpr std::uint8_t sock_sndbuf_lock = 1;
inline constexpr std::uint8_t sock_rcvbuf_lock = 2;
inline constexpr std::uint8_t sock_bind_lock = 4;
inline constexpr std::uint8_t sock_bind_port_lock = 8;
//!@}

//! sk_reuse values.
//! sk_reuse values (include/net/sock.h): SO_REUSEADDR off, on, or forced by the kernel.
//!@{
inline constexpr std::uint8_t sk_no_reuse = 0;
inline constexpr std::uint8_t sk_can_reuse = 1;
inline constexpr std::uint8_t sk_force_reuse = 2;
//!@}

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
    std::uint32_t classid; //!< net_cls classid (sock_update_classid)
    std::uint16_t prioidx; //!< net_prio index (sock_update_netprioidx)
};

//! struct page_frag (sk_frag).
struct page_frag {
    void* page;           //!< the page the fragment is in
    std::uint32_t offset; //!< offset of the fragment in the page
    std::uint32_t size;   //!< bytes of the fragment
};

//! socket_lock_t: the socket lock and its owner flag.
struct socket_lock_t {
    spinlock_t slock; //!< protects the lock's owner flag and the backlog
    int owned;        //!< nonzero while a process owns the socket (lock_sock)
};

//! struct sock_common: the part shared with request and timewait socks.
struct sock_common {
    std::uint32_t skc_daddr;     //!< inet_daddr
    std::uint32_t skc_rcv_saddr; //!< inet_rcv_saddr
    std::uint32_t skc_hash;      //!< the hash of the addresses and ports (inet_ehashfn)
    std::uint16_t skc_dport;     //!< inet_dport (network order)
    std::uint16_t skc_num;       //!< inet_num (host order)
    unsigned short skc_family;   //!< address family (AF_*)
    std::uint8_t skc_state;      //!< state: a tcp_state (TCP_CLOSE ...), for every protocol
    std::uint8_t skc_reuse;      //!< SO_REUSEADDR: one of the sk_reuse values
    std::uint8_t skc_reuseport;  //!< SO_REUSEPORT
    std::uint8_t skc_ipv6only;   //!< IPV6_V6ONLY (always 0 for PF_INET)
    //! The socket holds a reference on its namespace (a user socket).
    std::uint8_t skc_net_refcnt;
    int skc_bound_dev_if;       //!< SO_BINDTODEVICE's ifindex, 0 when none
    hlist_node skc_bind_node;   //!< link in the bind hash bucket of the local port
    const proto_desc* skc_prot; //!< the protocol (struct proto) the sock belongs to
    net* skc_net;               //!< the network namespace
    hlist_node skc_node;        //!< link in the protocol's lookup hash
    //! Transmit queue of the device; NO_QUEUE_MAPPING when unset.
    std::uint16_t skc_tx_queue_mapping;
    //! Receive queue the last packet came in; NO_QUEUE_MAPPING when unset.
    std::uint16_t skc_rx_queue_mapping;
    int skc_incoming_cpu; //!< the CPU that last received for it (SO_INCOMING_CPU), -1 when none
    std::uint32_t skc_rcv_wnd; //!< a request sock's receive window (rsk_rcv_wnd)
    int skc_refcnt;            //!< refcount_t
};

//! struct sock: the network-layer representation of a socket. Linux's
//! sk_family, sk_state, sk_prot, sk_refcnt ... are `#define` aliases into
//! sk_common; ksock spells them as the accessors below.
struct sock {
    //! Linux's __sk_common: C++ reserves names that begin with two
    //! underscores, so the first link of the chain drops them.
    sock_common sk_common;
    socket_lock_t sk_lock; //!< the socket lock (lock_sock, bh_lock_sock)
    //! What arrived while a system call owned the socket (sk_lock.owned),
    //! processed by release_sock in arrival order.
    skb_list sk_backlog;
    sk_buff_head sk_receive_queue;     //!< received data not yet read
    sk_buff_head sk_write_queue;       //!< data not yet sent or acknowledged
    sk_buff_head sk_error_queue;       //!< errors and timestamps for MSG_ERRQUEUE
    int sk_rcvbuf;                     //!< receive buffer size, bytes (SO_RCVBUF, doubled)
    int sk_sndbuf;                     //!< send buffer size, bytes (SO_SNDBUF, doubled)
    int sk_rmem_alloc;                 //!< bytes held by skbs on the receive side (truesize)
    int sk_wmem_alloc;                 //!< bytes held by skbs on the send side (truesize)
    int sk_omem_alloc;                 //!< memory for options and filters (sock_kmalloc)
    int sk_forward_alloc;              //!< bytes reserved from the protocol's memory, not yet used
    int sk_wmem_queued;                //!< bytes queued for sending, not yet acknowledged
    int sk_drops;                      //!< packets dropped for lack of room
    unsigned long sk_flags;            //!< bits of sock_flags
    std::uint16_t sk_type;             //!< SOCK_STREAM, SOCK_DGRAM ...
    std::uint16_t sk_protocol;         //!< the protocol number (IPPROTO_TCP ...)
    std::uint8_t sk_kern_sock;         //!< a kernel socket (sock_create_kern): not a user's
    std::uint8_t sk_userlocks;         //!< SOCK_*_LOCK bits the user set
    std::uint8_t sk_shutdown;          //!< RCV_SHUTDOWN and SEND_SHUTDOWN bits
    std::uint8_t sk_pacing_shift;      //!< TSQ's limit is sk_pacing_rate >> this (10: ~1 ms)
    std::uint8_t sk_txrehash;          //!< SO_TXREHASH
    std::uint8_t sk_use_task_frag;     //!< may allocate from the task's page_frag
    std::uint8_t sk_no_check_tx;       //!< UDP: send without checksum (SO_NO_CHECK)
    std::uint8_t sk_no_check_rx;       //!< UDP: accept without checksum
    std::uint32_t sk_allocation;       //!< gfp_t
    long sk_lingertime;                //!< SO_LINGER's time, jiffies
    const proto_desc* sk_prot_creator; //!< the proto the sock was allocated by (freed with it)
    rwlock_t sk_callback_lock;         //!< protects sk_socket and sk_wq against the callbacks
    int sk_err;                        //!< pending error, reported once (sock_error)
    int sk_err_soft;                   //!< soft error: reported when nothing harder happened
    std::uint32_t sk_ack_backlog;      //!< connections in the accept queue
    std::uint32_t sk_max_ack_backlog;  //!< listen()'s backlog
    uid_t sk_uid;                      //!< the owner's uid (sock_init_data)
    std::uint32_t sk_priority;         //!< SO_PRIORITY
    std::uint32_t sk_mark;             //!< SO_MARK
    unsigned long sk_pacing_rate;      //!< the pacing rate, bytes per second
    unsigned long sk_max_pacing_rate;  //!< SO_MAX_PACING_RATE, bytes per second
    int sk_peek_off;                   //!< SO_PEEK_OFF, -1 when off
    int sk_rcvlowat;                   //!< SO_RCVLOWAT
    long sk_rcvtimeo;                  //!< SO_RCVTIMEO, jiffies (MAX_SCHEDULE_TIMEOUT: none)
    long sk_sndtimeo;                  //!< SO_SNDTIMEO, jiffies (MAX_SCHEDULE_TIMEOUT: none)
    int sk_write_pending;              //!< writers waiting for memory
    std::uint32_t sk_napi_id;          //!< NAPI id of the last receive (busy polling)
    std::uint32_t sk_ll_usec;          //!< SO_BUSY_POLL, us
    std::int64_t sk_stamp;             //!< the last packet's timestamp, ns (SIOCGSTAMP)
    std::uint32_t sk_tsflags;          //!< SO_TIMESTAMPING flags
    std::uint32_t sk_zckey;            //!< the next zerocopy notification id
    timer_list sk_timer;               //!< the protocol's timer (TCP keepalive, ...)
    socket* sk_socket;                 //!< the struct socket, null once orphaned
    socket_wq* sk_wq;                  //!< the wait queue of the socket
    void* sk_user_data;                //!< private data of an upper layer (RPC, tunnels)
    void* sk_send_head;                //!< TCP: the next skb to send on sk_write_queue
    rb_root tcp_rtx_queue; //!< TCP's retransmit queue (a union with sk_send_head in Linux)
    void* sk_dst_cache;    //!< the cached route (struct dst_entry)
    //! sk_peer_pid and sk_peer_cred: the peer's pid and effective ids when
    //! it connected (PF_UNIX sets them at socketpair, listen and connect),
    //! what SO_PEERCRED reports. Linux holds a struct pid and a cred; ksock
    //! the values (pid 0: no peer credentials).
    int sk_peer_pid;
    sock_peer_cred sk_peer_cred;   //!< the peer's effective ids
    page_frag sk_frag;             //!< the cached page fragment for sendmsg
    sock_cgroup_data sk_cgrp_data; //!< cgroup data copied from the creating task
    unsigned long sk_ino;          //!< 6.18: the socket inode number, cached by sk_set_socket
    //! The callbacks (include/net/sock.h): state changed, data to read, room to write, an error to
    //! report, a backlogged skb to process, and the sock is being freed. sock_init_data installs
    //! the defaults; a protocol may replace them.
    //!@{
    kfunc sk_state_change;
    kfunc sk_data_ready;
    kfunc sk_write_space;
    kfunc sk_error_report;
    kfunc sk_backlog_rcv;
    kfunc sk_destruct;
    //!@}

    //! The kernel's aliases into sk_common (sk_family is Linux's `#define sk_family
    //! __sk_common.skc_family` ...), read and written as calls.
    //!@{
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
    //!@}
};

//! sock_flag(): whether flag \p f of \p sk is set.
constexpr bool sock_flag(const sock& sk, sock_flags f) noexcept {
    return (sk.sk_flags >> f) & 1UL;
}
//! sock_set_flag(): sets flag \p f.
constexpr void sock_set_flag(sock& sk, sock_flags f) noexcept {
    sk.sk_flags |= 1UL << f;
}
//! sock_reset_flag(): clears flag \p f.
constexpr void sock_reset_flag(sock& sk, sock_flags f) noexcept {
    sk.sk_flags &= ~(1UL << f);
}
//! sock_valbool_flag(): sets flag \p f when \p on, clears it otherwise.
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
