// ksock/unix/af_unix.hpp: PF_UNIX (net/unix/af_unix.c): unix_create, the
// stream/dgram/seqpacket ops tables, and the family itself. The parts live
// in their own headers, all included here:
//   unix_common.hpp   the two protos (unix_dgram_proto "UNIX",
//                     unix_stream_proto "UNIX-STREAM"), unix_create1, buffers
//   unix_bind.hpp     names: bind, autobind, lookup, getname
//   unix_stream.hpp   listen, connect, accept, stream send/recv
//   unix_dgram.hpp    dgram connect, dgram and seqpacket send/recv
//   unix_poll.hpp     unix_poll, unix_dgram_poll
//   unix_release.hpp  unix_release_sock, shutdown
//   unix_scm.hpp      ancillary data (UNIXCB), SO_PEERCRED's init, unix_gc
#pragma once

#include <cstddef>

#include <ksock/core/sk_create.hpp>
#include <ksock/core/sock_init.hpp>
#include <ksock/core/sock_opt.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/unix/netns_unix.hpp>
#include <ksock/unix/unix_bind.hpp>
#include <ksock/unix/unix_common.hpp>
#include <ksock/unix/unix_dgram.hpp>
#include <ksock/unix/unix_ioctl.hpp>
#include <ksock/unix/unix_kfunc.hpp>
#include <ksock/unix/unix_poll.hpp>
#include <ksock/unix/unix_release.hpp>
#include <ksock/unix/unix_scm.hpp>
#include <ksock/unix/unix_sock.hpp>
#include <ksock/unix/unix_stream.hpp>

namespace ksock::unix_domain {

//! The members the three unix ops tables share.
struct unix_common_ops {
    static constexpr int family = pf_unix; //!< the family these ops serve

    //! ->ioctl (unix_ioctl): SIOCINQ, SIOCOUTQ, SIOCATMARK.
    template <class Entry, class Ctx>
    static int ioctl(Ctx&, ksock::socket& so, unsigned long cmd, void* arg) {
        return unix_ioctl(*so.sk, cmd, arg);
    }

    //! unix_release: unix_close (nothing), then unix_release_sock.
    template <class Entry, class Ctx>
    static int release(Ctx& ctx, ksock::socket& so) {
        sock* skp = so.sk;
        if (!skp)
            return 0;
        trace_scope ts(ctx.trace(), "unix_release");
        so.sk = nullptr;
        unix_release_sock(ctx, *skp, false);
        return 0;
    }

    //! unix_socketpair: join the two socks back to back, both connected,
    //! each with the caller as its SO_PEERCRED.
    template <class Entry, class Ctx>
    static int socketpair(Ctx& ctx, ksock::socket& a, ksock::socket& b) {
        sock& ska = *a.sk;
        sock& skb = *b.sk;
        sock_hold(ska);
        sock_hold(skb);
        unix_peer(ska) = &skb;
        unix_peer(skb) = &ska;
        init_peercred(ctx, ska);
        init_peercred(ctx, skb);
        ska.sk_state() = tcp_established;
        skb.sk_state() = tcp_established;
        a.state = ss_connected;
        b.state = ss_connected;
        return 0;
    }

    //! ->bind (unix_bind): a pathname or abstract name, or autobind.
    template <class Entry, class Ctx>
    static int bind(Ctx& ctx, ksock::socket& so, const sockaddr* addr, int addr_len) {
        return unix_bind(ctx, *so.sk, addr, addr_len);
    }
    //! ->getname (unix_getname): the bound name, or the peer's.
    template <class Entry, class Ctx>
    static int getname(Ctx&, ksock::socket& so, sockaddr* out, int peer) {
        return unix_getname(*so.sk, out, peer);
    }
    //! ->shutdown (unix_shutdown): on this sock and its peer.
    template <class Entry, class Ctx>
    static int shutdown(Ctx& ctx, ksock::socket& so, int how) {
        return unix_shutdown(ctx, *so.sk, how);
    }

    //! SO_PEEK_OFF (sk_set_peek_off).
    static int set_peek_off(sock& sk, int val) { return sk_set_peek_off(sk, val); }
};

//! What the two connection-oriented tables share: unix_stream_connect,
//! unix_listen and unix_accept (Linux names them in both).
struct unix_connection_ops : unix_common_ops {
    //! ->connect (unix_stream_connect).
    template <class Entry, class Ctx>
    static int connect(Ctx& ctx, ksock::socket& so, const sockaddr* a, int len, int flags) {
        return unix_stream_connect<typename Entry::prot>(ctx, so, a, len, flags);
    }
    //! ->listen (unix_listen).
    template <class Entry, class Ctx>
    static int listen(Ctx& ctx, ksock::socket& so, int backlog) {
        return unix_listen(ctx, *so.sk, backlog);
    }
    //! ->accept (unix_accept).
    template <class Entry, class Ctx>
    static int accept(Ctx& ctx, ksock::socket& so, ksock::socket& newsock, int flags) {
        return unix_accept(ctx, so, newsock, flags);
    }
};

//! unix_stream_ops.
struct unix_stream_ops : unix_connection_ops {
    static constexpr const char* name = "unix_stream_ops"; //!< the ops table's name in Linux

    //! ->poll (unix_poll).
    template <class Entry, class Ctx>
    static unsigned poll(Ctx&, ksock::socket& so) {
        return unix_poll(*so.sk);
    }
    //! ->sendmsg (unix_stream_sendmsg).
    template <class Entry, class Ctx>
    static long sendmsg(Ctx& ctx, ksock::socket& so, kmsghdr& m, std::size_t len) {
        return unix_stream_sendmsg(ctx, so, m, len);
    }
    //! ->recvmsg (unix_stream_recvmsg).
    template <class Entry, class Ctx>
    static long recvmsg(Ctx& ctx, ksock::socket& so, kmsghdr& m, std::size_t len, int flags) {
        return unix_stream_recvmsg(ctx, so, m, len, flags);
    }
};

//! unix_dgram_ops: no listen, no accept (sock_no_*: EOPNOTSUPP).
struct unix_dgram_ops : unix_common_ops {
    static constexpr const char* name = "unix_dgram_ops"; //!< the ops table's name in Linux

    //! ->connect (unix_dgram_connect): set or clear the default peer.
    template <class Entry, class Ctx>
    static int connect(Ctx& ctx, ksock::socket& so, const sockaddr* a, int len, int) {
        return unix_dgram_connect(ctx, so, a, len);
    }
    //! ->poll (unix_dgram_poll).
    template <class Entry, class Ctx>
    static unsigned poll(Ctx&, ksock::socket& so) {
        return unix_dgram_poll(*so.sk);
    }
    //! ->sendmsg (unix_dgram_sendmsg).
    template <class Entry, class Ctx>
    static long sendmsg(Ctx& ctx, ksock::socket& so, kmsghdr& m, std::size_t len) {
        return unix_dgram_sendmsg(ctx, *so.sk, m, len);
    }
    //! ->recvmsg (unix_dgram_recvmsg).
    template <class Entry, class Ctx>
    static long recvmsg(Ctx& ctx, ksock::socket& so, kmsghdr& m, std::size_t len, int flags) {
        return unix_dgram_recvmsg(ctx, *so.sk, m, len, flags);
    }
};

//! unix_seqpacket_ops: stream connect/listen/accept, datagram poll and
//! records.
struct unix_seqpacket_ops : unix_connection_ops {
    static constexpr const char* name = "unix_seqpacket_ops"; //!< the ops table's name in Linux

    //! ->poll (unix_dgram_poll).
    template <class Entry, class Ctx>
    static unsigned poll(Ctx&, ksock::socket& so) {
        return unix_dgram_poll(*so.sk);
    }
    //! ->sendmsg (unix_seqpacket_sendmsg).
    template <class Entry, class Ctx>
    static long sendmsg(Ctx& ctx, ksock::socket& so, kmsghdr& m, std::size_t len) {
        return unix_seqpacket_sendmsg(ctx, *so.sk, m, len);
    }
    //! ->recvmsg (unix_seqpacket_recvmsg).
    template <class Entry, class Ctx>
    static long recvmsg(Ctx& ctx, ksock::socket& so, kmsghdr& m, std::size_t len, int flags) {
        return unix_seqpacket_recvmsg(ctx, *so.sk, m, len, flags);
    }
};

//! PF_UNIX's create policy, and the hooks it gives sk_create: the socket
//! never records the protocol (SO_PROTOCOL reads 0); no entry is SOCK_RAW,
//! so no capability is asked for. unix_create1's per-sock setup is the
//! protos' init (unix_common.hpp).
struct unix_create : sk_create_defaults {
    //! PF_UNIX's part of a namespace, and the names of its callbacks.
    using pernet_type = netns_unix;
    static constexpr const kfunc_table& kfuncs =
        kf::table;                                  //!< the family these ops serve's callback names
    static constexpr bool sets_sk_protocol = false; //!< SO_PROTOCOL reads 0

    //! unix_create's checks: protocol 0 or PF_UNIX, then the type; SOCK_RAW
    //! is served as SOCK_DGRAM ("BSD has AF_UNIX, SOCK_RAW though nothing
    //! uses it").
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

    //! A fresh unix sock, as a constant: the image of the common steps, then
    //! what the protos' init (unix_create1's setup) writes.
    template <class Entry>
    static constexpr unix_sock image(const unix_sysctl& s = unix_sysctl{},
                                     const net_core_sysctl& core = net_core_sysctl{}) noexcept {
        unix_sock u = sk_image<Entry, unix_create>(pf_unix, 0, core);
        detail::unix_values(u, s);
        return u;
    }

    //! unix_create: the common steps (sk_create), with protocol 0.
    template <class Entry, class Ctx>
    static int create(Ctx& ctx, ksock::socket& so, int /*protocol*/, int kern) {
        trace_scope ts(ctx.trace(), "unix_create");
        return ts.result(sk_create<Entry, unix_create>(ctx, so, pf_unix, 0, kern));
    }
};

//! The protosw view of unix_create's switch.
//!@{
using unix_stream_protosw = protosw<sock_stream, 0, unix_stream_proto, unix_stream_ops>;
using unix_dgram_protosw = protosw<sock_dgram, 0, unix_dgram_proto, unix_dgram_ops>;
using unix_seqpacket_protosw = protosw<sock_seqpacket, 0, unix_dgram_proto, unix_seqpacket_ops>;
using unixsw = type_list<unix_stream_protosw, unix_dgram_protosw, unix_seqpacket_protosw>;
//!@}

//! PF_UNIX (unix_family_ops); its part of the namespace (netns_unix) and the
//! names of its callbacks come with unix_create.
using unix_family = family<pf_unix, unix_create, unixsw>;

inline constexpr unix_sock unix_dgram_proto::defaults = unix_create::image<unix_dgram_protosw>();
inline constexpr unix_sock unix_stream_proto::defaults = unix_create::image<unix_stream_protosw>();

} // namespace ksock::unix_domain
