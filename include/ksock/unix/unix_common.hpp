// ksock/unix/unix_common.hpp: what every part of PF_UNIX shares
// (net/unix/af_unix.c): the two protos, unix_peer, putting a sock of either
// proto, unix_create1 for a sock made inside the stack (the server end of a
// stream connect), the receive-queue and write-space tests, and the send
// buffer allocation with Linux's truesize accounting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <ksock/core/datagram.hpp>
#include <ksock/core/sk_create.hpp>
#include <ksock/core/skbuff.hpp>
#include <ksock/core/sock_alloc_send.hpp>
#include <ksock/core/sock_init.hpp>
#include <ksock/core/sock_wait.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/unix/netns_unix.hpp>
#include <ksock/unix/unix_kfunc.hpp>
#include <ksock/unix/unix_sock.hpp>

namespace ksock::unix_domain::detail {

//! __GFP_ACCOUNT: unix sockets charge their memory to the memcg.
inline constexpr std::uint32_t gfp_kernel_account = gfp_kernel | 0x400000u;

//! The part of unix_create1's setup that follows net.unix's sysctls.
constexpr void unix_sysctl_values(unix_sock& u, const unix_sysctl& s) noexcept {
    u.sk.sk_max_ack_backlog = static_cast<std::uint32_t>(s.max_dgram_qlen);
}

//! unix_create1's per-sock setup after sock_init_data, as values.
constexpr void unix_values(unix_sock& u, const unix_sysctl& s) noexcept {
    sock& sk = u.sk;
    sk.sk_allocation = gfp_kernel_account;
    sk.sk_write_space = kf::unix_write_space;
    unix_sysctl_values(u, s);
    sk.sk_destruct = kf::unix_sock_destructor;
    u.listener = nullptr;
    u.vertex = nullptr;
    u.path = {nullptr, nullptr};
    spin_lock_init(u.lock);
    spin_lock_init(u.iolock);
    spin_lock_init(u.bindlock);
    // Member by member: a braced temporary's padding (7 bytes after func)
    // is whatever the compiler's stack held, and an assignment copies it.
    u.peer_wake.func = kf::unix_dgram_peer_wake_relay;
    u.peer_wake.priv = nullptr;
    u.scm_stat_nr_fds = 0;
}

//! What the two unix protos share: their init is unix_create1's setup
//! (Linux's unix protos have no ->init; ksock runs that code at the same
//! point), and ->close does nothing, as unix_close does.
struct unix_proto_base {
    using obj_type = unix_sock;
    static constexpr std::size_t obj_size = sizeof(unix_sock);

    template <class Ctx>
    static int init(Ctx& ctx, sock& sk) {
        unix_values(*unix_sk(&sk), unix_net(ctx).sysctl);
        auto& tr = ctx.trace();
        if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
            tr.note("unix_create1");
            tr.text("sk_write_space", kf::name(sk.sk_write_space));
            tr.field("sk_max_ack_backlog (net.unix.max_dgram_qlen)", sk.sk_max_ack_backlog);
            tr.text("sk_destruct", kf::name(sk.sk_destruct));
        }
        return 0;
    }
    //! On a copy of the image only the sysctl's value may differ.
    template <class Ctx>
    static int init_after_image(Ctx& ctx, sock& sk) {
        unix_sysctl_values(*unix_sk(&sk), unix_net(ctx).sysctl);
        return 0;
    }
    template <class Ctx>
    static void close(Ctx&, sock&, long) {}
    //! unix_gc (unix_scm.hpp): collect unix sockets that only skbs in
    //! flight refer to. True when it freed something.
    template <class Ctx>
    static bool gc(Ctx& ctx);
};

} // namespace ksock::unix_domain::detail

namespace ksock::unix_domain {

//! unix_dgram_proto (struct proto "UNIX"): the datagram and seqpacket sockets' proto.
struct unix_dgram_proto : detail::unix_proto_base {
    static constexpr const char* name = "UNIX"; //!< struct proto .name
    //! A fresh sock of this proto (the image the creation path copies).
    static const unix_sock defaults;
};
//! unix_stream_proto (struct proto "UNIX-STREAM"): the stream sockets' proto.
struct unix_stream_proto : detail::unix_proto_base {
    static constexpr const char* name = "UNIX-STREAM"; //!< struct proto .name
    //! A fresh sock of this proto (the image the creation path copies).
    static const unix_sock defaults;
};

//! unix_peer(sk).
inline sock*& unix_peer(sock& sk) noexcept {
    return unix_sk(&sk)->peer;
}

//! sock_put for a unix sock of either proto (a sock only ever meets socks of
//! its own type, but the name table and the peers are stack-wide).
template <class Ctx>
void unix_sock_put(Ctx& ctx, sock& sk) noexcept {
    if (sk.sk_prot_creator == proto_desc_v<unix_stream_proto>)
        sock_put<unix_stream_proto>(ctx, sk);
    else
        sock_put<unix_dgram_proto>(ctx, sk);
}

//! Calls f(unix_sock&) for every live unix sock of the stack.
template <class Ctx, class F>
void unix_for_each(Ctx& ctx, F&& f) {
    ctx.template for_each_obj<unix_stream_proto>(f);
    ctx.template for_each_obj<unix_dgram_proto>(f);
}

//! unix_create1(net, NULL, 0, type): a sock with no socket yet, from the
//! pool of the proto the type uses (stream: UNIX-STREAM, else UNIX), counted
//! in sock_inuse like any user sock. Null when the pool is out (ENOMEM).
template <class P, class Ctx>
sock* unix_create1(Ctx& ctx, int type) {
    auto& tr = ctx.trace();
    trace_scope ts(tr, "unix_create1");
    unix_sock* u = sk_alloc<P>(ctx, pf_unix, 0);
    if (!u)
        return nullptr;
    sock_init_data(nullptr, u->sk, tr);
    u->sk.sk_type = static_cast<std::uint16_t>(type);
    P::init(ctx, u->sk);
    return &u->sk;
}

//! unix_recvq_full_lockless: more queued than sk_max_ack_backlog (a
//! listener's backlog, or net.unix.max_dgram_qlen for a datagram socket).
inline bool unix_recvq_full(const sock& sk) noexcept {
    return skb_queue_len(sk.sk_receive_queue) > sk.sk_max_ack_backlog;
}

//! unix_writable: not a listener, and at most a quarter of the send buffer
//! in use (sk_wmem_alloc counted with its bias, as refcount_read does).
inline bool unix_writable(const sock& sk, std::uint8_t state) noexcept {
    return state != tcp_listen &&
           (static_cast<long>(sk.sk_wmem_alloc) << 2) <= static_cast<long>(sk.sk_sndbuf);
}

//! sk_peek_offset_bwd / sk_peek_offset_fwd: SO_PEEK_OFF follows the data.
//!@{
inline void sk_peek_offset_bwd(sock& sk, int val) noexcept {
    const int off = sk.sk_peek_off;
    if (off >= 0)
        sk.sk_peek_off = off - val > 0 ? off - val : 0;
}
inline void sk_peek_offset_fwd(sock& sk, int val) noexcept {
    if (sk.sk_peek_off >= 0)
        sk.sk_peek_off += val;
}
//!@}

namespace detail {

inline constexpr std::uint32_t page_size = 4096;
//! SKB_MAX_HEAD(0): the linear part that fits one page with its shinfo.
inline constexpr std::uint32_t skb_max_head = page_size - skb_shinfo_size;
//! UNIX_SKB_FRAGS_SZ: the page frags one stream skb carries (32 KiB).
inline constexpr std::uint32_t unix_skb_frags_sz = 32768;
//! SKB_MAX_ALLOC: SKB_MAX_ORDER(0, 2), the linear part of a datagram.
inline constexpr std::uint32_t skb_max_alloc = (page_size << 2) - skb_shinfo_size;
//! MAX_SKB_FRAGS.
inline constexpr std::uint32_t max_skb_frags = 17;

constexpr std::uint32_t page_align(std::uint32_t n) noexcept {
    return (n + page_size - 1) & ~(page_size - 1);
}
//! The truesize Linux charges for an skb with \p head linear bytes and
//! \p data_len bytes in page frags (__alloc_skb: SKB_TRUESIZE of the
//! kmalloc'ed head; alloc_skb_with_frags: whole pages). Measured on the
//! 6.18 host: 768 for 1..100 bytes, 2304 for 1000, 4352 for 2000..3776,
//! 37120 for a full 36544-byte stream skb.
constexpr std::uint32_t unix_truesize(std::uint32_t head, std::uint32_t data_len) noexcept {
    return skb_truesize(head) + page_align(data_len);
}

} // namespace detail

//! sock_alloc_send_pskb for a unix message of \p len bytes, \p data_len of
//! them in page frags, charged at the truesize Linux gives that shape.
template <class Ctx>
sk_buff* unix_alloc_send_skb(Ctx& ctx, sock& sk, std::size_t len, std::uint32_t data_len,
                             bool noblock, long* err) {
    const auto n = static_cast<std::uint32_t>(len);
    int e = 0;
    sk_buff* skb = sock_alloc_send_pskb(ctx, sk, len, detail::unix_truesize(n - data_len, data_len),
                                        noblock, &e);
    *err = e;
    return skb;
}

//! unix_copy_addr: the sender's name into msg_name (nothing, length 0, when
//! the sender is unbound: what the 6.18 host reports).
inline void unix_copy_addr(kmsghdr& msg, const sock& from) noexcept {
    const unix_address* a = unix_sk(&from)->addr;
    msg.msg_namelen = 0;
    if (a && msg.msg_name) {
        std::memcpy(msg.msg_name, &a->name, static_cast<std::size_t>(a->len));
        msg.msg_namelen = a->len;
    }
}

} // namespace ksock::unix_domain
