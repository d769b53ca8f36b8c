// ksock/unix/af_unix.hpp: PF_UNIX (net/unix/af_unix.c): unix_create and
// unix_create1, the two protos (unix_dgram_proto "UNIX", unix_stream_proto
// "UNIX-STREAM"), the stream/dgram/seqpacket ops with unix_socketpair and
// unix_release, and the family itself.
#pragma once

#include <cstddef>
#include <type_traits>

#include <ksock/core/sock_init.hpp>
#include <ksock/family.hpp>
#include <ksock/layout.hpp>
#include <ksock/sock_sockopt.hpp>
#include <ksock/unix_sock.hpp>

namespace ksock::unix_domain::detail {

//! __GFP_ACCOUNT: unix sockets charge their memory to the memcg.
inline constexpr std::uint32_t gfp_kernel_account = gfp_kernel | 0x400000u;

//! unix_create1's per-sock setup after sock_init_data, as values.
constexpr void unix_values(unix_sock& u, const net_sysctl& s) noexcept {
    sock& sk = u.sk;
    sk.sk_allocation = gfp_kernel_account;
    sk.sk_write_space = kfunc::unix_write_space;
    sk.sk_max_ack_backlog = static_cast<std::uint32_t>(s.unix_max_dgram_qlen);
    sk.sk_destruct = kfunc::unix_sock_destructor;
    u.listener = nullptr;
    u.vertex = nullptr;
    u.path = {nullptr, nullptr};
    spin_lock_init(u.lock);
    spin_lock_init(u.iolock);
    spin_lock_init(u.bindlock);
    u.peer_wake = {kfunc::unix_dgram_peer_wake_relay, nullptr};
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
        unix_values(*unix_sk(&sk), sk.sk_net()->sysctl);
        auto& tr = ctx.trace();
        if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
            tr.note("unix_create1");
            tr.text("sk_write_space", kfunc_name(sk.sk_write_space));
            tr.field("sk_max_ack_backlog (net.unix.max_dgram_qlen)", sk.sk_max_ack_backlog);
            tr.text("sk_destruct", kfunc_name(sk.sk_destruct));
        }
        return 0;
    }
    template <class Ctx>
    static void close(Ctx&, sock&, long) {}
};

} // namespace ksock::unix_domain::detail

namespace ksock::unix_domain {

struct unix_dgram_proto : detail::unix_proto_base {
    static constexpr const char* name = "UNIX";
    static const unix_sock defaults;
};
struct unix_stream_proto : detail::unix_proto_base {
    static constexpr const char* name = "UNIX-STREAM";
    static const unix_sock defaults;
};

//! unix_peer(sk).
inline sock*& unix_peer(sock& sk) noexcept {
    return unix_sk(&sk)->peer;
}

//! The members the three unix ops tables share.
struct unix_common_ops {
    static constexpr int family = pf_unix;

    //! unix_release -> unix_release_sock: shut down, drop the peer (a
    //! connected stream/seqpacket peer sees both directions shut), orphan,
    //! put.
    template <class Entry, class Ctx>
    static int release(Ctx& ctx, ksock::socket& so) {
        sock* skp = so.sk;
        if (!skp)
            return 0;
        trace_scope ts(ctx.trace(), "unix_release");
        sock& sk = *skp;
        sk.sk_shutdown = 3; // SHUTDOWN_MASK
        sock* skpair = unix_peer(sk);
        unix_peer(sk) = nullptr;
        sk.sk_state() = tcp_close;
        if (skpair) {
            if (sk.sk_type == sock_stream || sk.sk_type == sock_seqpacket)
                skpair->sk_shutdown = 3;
            // The peer's reference to us is dropped when it is released; ours
            // to it goes now.
            sock_put<typename Entry::prot>(ctx, *skpair);
        }
        sock_orphan(sk);
        so.sk = nullptr;
        sock_put<typename Entry::prot>(ctx, sk);
        return 0;
    }

    //! unix_socketpair: join the two socks back to back, both connected.
    template <class Entry, class Ctx>
    static int socketpair(Ctx&, ksock::socket& a, ksock::socket& b) {
        sock& ska = *a.sk;
        sock& skb = *b.sk;
        sock_hold(ska);
        sock_hold(skb);
        unix_peer(ska) = &skb;
        unix_peer(skb) = &ska;
        ska.sk_state() = tcp_established;
        skb.sk_state() = tcp_established;
        a.state = ss_connected;
        b.state = ss_connected;
        return 0;
    }

    static int set_peek_off(sock& sk, int val) { return sk_set_peek_off(sk, val); }
};

struct unix_stream_ops : unix_common_ops {
    static constexpr const char* name = "unix_stream_ops";
};
struct unix_dgram_ops : unix_common_ops {
    static constexpr const char* name = "unix_dgram_ops";
};
struct unix_seqpacket_ops : unix_common_ops {
    static constexpr const char* name = "unix_seqpacket_ops";
};

struct unix_create {
    //! unix_create's checks: protocol 0 or PF_UNIX, then the type; SOCK_RAW
    //! is served as SOCK_DGRAM ("BSD has AF_UNIX, SOCK_RAW though nothing
    //! uses it"). The socket never records the protocol: SO_PROTOCOL reads 0.
    static constexpr resolution lookup(const protosw_desc* entries, int n, int type,
                                       int protocol) noexcept {
        if (protocol != 0 && protocol != pf_unix)
            return {-eprotonosupport, -1, type, protocol};
        const int t = type == sock_raw ? sock_dgram : type;
        for (int i = 0; i < n; ++i)
            if (entries[i].type == t)
                return {0, i, t, 0};
        return {-esocktnosupport, -1, type, protocol};
    }

    template <class Entry>
    static constexpr unix_sock image(const net_sysctl& s = net_sysctl{}) noexcept {
        using P = typename Entry::prot;
        unix_sock u{};
        sk_alloc_values(u.sk, proto_desc_v<P>, pf_unix, 0, nullptr, 0, 0);
        sock_init_data_values(u.sk, s, Entry::type, 0);
        detail::unix_values(u, s);
        return u;
    }

    template <class Entry, class Ctx>
    static int create(Ctx& ctx, ksock::socket& so, int /*protocol*/, int kern) {
        using P = typename Entry::prot;
        auto& tr = ctx.trace();
        trace_scope ts(tr, "unix_create");
        so.state = ss_unconnected;
        unix_sock* u;
        {
            trace_scope tsa(tr, "sk_alloc");
            u = ctx.template obj_alloc<P>();
            if (!u)
                return ts.result(tsa.result(-enomem));
            sk_alloc_values(u->sk, proto_desc_v<P>, pf_unix, kern, &ctx.net(), ctx.cgroup_classid(),
                            ctx.cgroup_prioidx());
            if (!kern)
                ++ctx.net().sock_inuse;
            if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
                tr.field("obj_size", static_cast<long long>(P::obj_size));
                tr.text("sk_prot", P::name);
            }
        }
        sock_init_data(&so, u->sk, tr);
        return ts.result(P::init(ctx, u->sk));
    }
};

//! The protosw view of unix_create's switch.
using unix_stream_protosw = protosw<sock_stream, 0, unix_stream_proto, unix_stream_ops>;
using unix_dgram_protosw = protosw<sock_dgram, 0, unix_dgram_proto, unix_dgram_ops>;
using unix_seqpacket_protosw = protosw<sock_seqpacket, 0, unix_dgram_proto, unix_seqpacket_ops>;
using unixsw = type_list<unix_stream_protosw, unix_dgram_protosw, unix_seqpacket_protosw>;

} // namespace ksock::unix_domain

namespace ksock {

//! PF_UNIX (unix_family_ops).
using unix_family = family<pf_unix, unix_domain::unix_create, unix_domain::unixsw>;

inline constexpr unix_sock unix_domain::unix_dgram_proto::defaults =
    unix_domain::unix_create::image<unix_domain::unix_dgram_protosw>();
inline constexpr unix_sock unix_domain::unix_stream_proto::defaults =
    unix_domain::unix_create::image<unix_domain::unix_stream_protosw>();

} // namespace ksock
