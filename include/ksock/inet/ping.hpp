// ksock/inet/ping.hpp: ping_prot (net/ipv4/ping.c): ICMP echo sockets for
// unprivileged users, gated by net.ipv4.ping_group_range.
#pragma once

#include <cstddef>

#include <ksock/core/sock_init.hpp>
#include <ksock/cred.hpp>
#include <ksock/inet/ip_sockglue.hpp>
#include <ksock/inet_sock.hpp>

namespace ksock::inet {

struct ping_prot {
    static constexpr const char* name = "PING";
    using obj_type = inet_sock;
    static constexpr std::size_t obj_size = sizeof(inet_sock);
    static constexpr kfunc backlog_rcv = kfunc::ping_queue_rcv_skb;

    static const inet_sock defaults;

    //! ping_init_sock's permission rule: the caller's effective gid, or any
    //! supplementary group, must lie in ping_group_range. No capability
    //! exempts anyone (root included); the default range "1 0" is empty.
    static constexpr bool group_allowed(const cred& c, const net_sysctl& s) noexcept {
        const gid_t low = s.ping_group_range[0];
        const gid_t high = s.ping_group_range[1];
        if (c.egid >= low && c.egid <= high)
            return true;
        for (int i = 0; i < c.ngroups; ++i)
            if (c.groups[i] >= low && c.groups[i] <= high)
                return true;
        return false;
    }

    template <class Ctx>
    static int init(Ctx& ctx, sock& sk) {
        const bool ok = group_allowed(ctx.current_cred(), sk.sk_net()->sysctl);
        auto& tr = ctx.trace();
        if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
            tr.field("ping_group_range[0]", sk.sk_net()->sysctl.ping_group_range[0]);
            tr.field("ping_group_range[1]", sk.sk_net()->sysctl.ping_group_range[1]);
            tr.field("egid", ctx.current_cred().egid);
        }
        return ok ? 0 : -eacces;
    }

    //! ping_close = sk_common_release.
    template <class Ctx>
    static void close(Ctx& ctx, sock& sk, long /*timeout*/) {
        sk_common_release<ping_prot>(ctx, sk);
    }

    static int getsockopt(ksock::socket& so, int level, int optname, void* optval,
                          socklen_t* optlen, const cred& cr) {
        return ip_getsockopt(so, level, optname, optval, optlen, cr);
    }
    template <class Ops>
    static int setsockopt(ksock::socket& so, int level, int optname, const void* optval,
                          socklen_t optlen, const cred& cr) {
        return ip_setsockopt(so, level, optname, optval, optlen, cr);
    }
};

} // namespace ksock::inet
