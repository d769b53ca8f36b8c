// ksock/inet/ip/ip4_datagram_proto.hpp: the struct proto members UDP, PING and
// RAW point at the same functions in Linux (.connect = ip4_datagram_connect,
// .disconnect = __udp_disconnect, .close = sk_common_release) or at functions
// of one signature (.getsockopt, .setsockopt), as a base their protos
// derive from.
#pragma once

#include <cstddef>

#include <ksock/core/sock_init.hpp>
#include <ksock/inet/ip/ip_datagram.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

//! The members of datagram proto \p P (udp_prot, ping_prot, raw_prot) that
//! Linux shares between them, and its object type \p Obj (.obj_size =
//! sizeof(Obj)): P derives from ip4_datagram_proto<P, Obj>.
template <class P, class Obj>
struct ip4_datagram_proto {
    using obj_type = Obj;                                //!< the proto's object
    static constexpr std::size_t obj_size = sizeof(Obj); //!< struct proto .obj_size

    //! ip4_datagram_connect (UDP's udp_connect takes the same path).
    template <class Ctx>
    static int connect(Ctx& ctx, sock& sk, const sockaddr* uaddr, int addr_len) {
        return ip4_datagram_connect(ctx, sk, uaddr, addr_len);
    }
    //! __udp_disconnect: without a bound port lock the socket is unhashed,
    //! so a raw socket receives nothing any more, as in Linux.
    template <class Ctx>
    static int disconnect(Ctx& ctx, sock& sk, int flags) {
        return udp_disconnect<P>(ctx, sk, flags);
    }
    //! udp_lib_close, ping_close, raw_close (no router-alert entry to drop
    //! here): sk_common_release.
    template <class Ctx>
    static void close(Ctx& ctx, sock& sk, long /*timeout*/) {
        sk_common_release<P>(ctx, sk);
    }

    //! .getsockopt: the function P names in getsockopt_fn (PING's
    //! ip_getsockopt, raw_getsockopt, udp_getsockopt), with the caller's
    //! credentials and the namespace's sysctls.
    template <class Entry, class Ctx>
    static int getsockopt(Ctx& ctx, ksock::socket& so, int level, int optname, void* optval,
                          socklen_t* optlen) {
        return P::getsockopt_fn(so, level, optname, optval, optlen, ctx.current_cred(),
                                ipv4_net(ctx));
    }
    //! .setsockopt: the function P names in setsockopt_fn (PING's
    //! ip_setsockopt, raw_setsockopt), with the caller's credentials. (UDP
    //! has its own: it handles SOL_SOCKET too.)
    template <class Entry, class Ctx>
    static int setsockopt(Ctx& ctx, ksock::socket& so, int level, int optname, const void* optval,
                          socklen_t optlen) {
        return P::setsockopt_fn(so, level, optname, optval, optlen, ctx.current_cred());
    }
};

} // namespace ksock::inet
