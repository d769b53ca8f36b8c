// ksock/inet/udp.hpp: udp_prot (net/ipv4/udp.c): udp_init_sock and
// udp_lib_close.
#pragma once

#include <cstddef>

#include <ksock/core/sock_init.hpp>
#include <ksock/inet/udp_sockopt.hpp>
#include <ksock/layout.hpp>
#include <ksock/udp_sock.hpp>

namespace ksock::inet {

struct udp_prot {
    static constexpr const char* name = "UDP";
    using obj_type = udp_sock;
    static constexpr std::size_t obj_size = sizeof(udp_sock);
    static constexpr kfunc backlog_rcv = kfunc::udp_queue_rcv_skb;

    static const udp_sock defaults;

    //! udp_lib_init_sock + udp_init_sock values.
    static constexpr void init_values(udp_sock& up, const net_sysctl&) noexcept {
        up.forward_threshold = up.inet.sk.sk_rcvbuf >> 2;
        up.inet.sk.sk_destruct = kfunc::udp_destruct_sock;
    }

    template <class Ctx>
    static int init(Ctx& ctx, sock& sk) {
        udp_sock& up = *udp_sk(&sk);
        skb_queue_head_init(up.reader_queue);
        init_list_head(up.tunnel_list);
        init_values(up, sk.sk_net()->sysctl);
        // UDP handles SOL_SOCKET itself (udp_lib_setsockopt), and supports
        // zero-copy sends.
        if (sk.sk_socket)
            sk.sk_socket->flags |= (1UL << sock_custom_sockopt) | (1UL << sock_support_zc);
        auto& tr = ctx.trace();
        if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
            tr.note("udp_init_sock -> udp_lib_init_sock");
            tr.field("forward_threshold (sk_rcvbuf >> 2)", up.forward_threshold);
            tr.text("sk_destruct", kfunc_name(sk.sk_destruct));
            tr.note("SOCK_CUSTOM_SOCKOPT set on sk_socket->flags");
        }
        return 0;
    }

    //! udp_lib_close = sk_common_release.
    template <class Ctx>
    static void close(Ctx& ctx, sock& sk, long /*timeout*/) {
        sk_common_release<udp_prot>(ctx, sk);
    }

    static int getsockopt(ksock::socket& so, int level, int optname, void* optval,
                          socklen_t* optlen, const cred& cr) {
        return udp_getsockopt(so, level, optname, optval, optlen, cr);
    }
    template <class Ops>
    static int setsockopt(ksock::socket& so, int level, int optname, const void* optval,
                          socklen_t optlen, const cred& cr) {
        return udp_setsockopt<Ops>(so, level, optname, optval, optlen, cr);
    }
};

} // namespace ksock::inet
