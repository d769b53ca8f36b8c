// ksock/inet/af_inet.hpp: the PF_INET socket-layer operations every inet
// socket type shares (net/ipv4/af_inet.c): inet_bind, inet_getname,
// inet_shutdown, inet_autobind, inet_sendmsg, inet_recvmsg; and the address
// classes of the stack's one device, lo (inet_addr_type).
//
// The protos do the protocol's part through these members, each optional
// where Linux's is:
//   template <class Ctx> static int get_port(Ctx&, sock&, unsigned short snum);
//       0 with inet_num set, or non-zero when the port is taken
//   template <class Ctx> static int bind(Ctx&, sock&, const sockaddr*, int);  (raw, ping)
//   template <class Ctx> static int connect(Ctx&, sock&, const sockaddr*, int);
//   template <class Ctx> static int disconnect(Ctx&, sock&, int flags);
//   template <class Ctx> static void shutdown(Ctx&, sock&, int how);   (tcp)
//   template <class Ctx> static long sendmsg(Ctx&, sock&, kmsghdr&, std::size_t);
//   template <class Ctx> static long recvmsg(Ctx&, sock&, kmsghdr&, std::size_t,
//                                            int flags, int* addr_len);
//   template <class Ctx> static int ioctl(Ctx&, sock&, unsigned long cmd, int* karg);
//   static constexpr bool no_autobind;                                  (tcp)
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/ioctls.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

//! Route types inet_addr_type reports (include/uapi/linux/rtnetlink.h).
enum rtn_type : std::uint8_t {
    rtn_unicast = 1,
    rtn_local = 2,
    rtn_broadcast = 3,
    rtn_multicast = 5,
};

//! lo's broadcast address, 127.255.255.255, in network order.
constexpr std::uint32_t lo_broadcast() noexcept {
    return ksock::cpu_to_be32(0x7fffffffu);
}
//! 127.0.0.1 in network order.
constexpr std::uint32_t htonl_loopback() noexcept {
    return ksock::cpu_to_be32(inaddr_loopback);
}

//! inet_addr_type for a namespace whose only device is lo (127.0.0.1/8):
//! 0.0.0.0/8 and 255.255.255.255 are "broadcast", 224.0.0.0/4 multicast,
//! 127.0.0.0/8 local but for 127.255.255.255, lo's own broadcast address
//! (fib_add_ifaddr puts "broadcast 127.255.255.255" in the local table
//! beside "local 127.0.0.0/8"), everything else a unicast address of no
//! local device. \p addr is in network order.
constexpr rtn_type inet_addr_type(std::uint32_t addr) noexcept {
    const std::uint32_t a = be32_to_cpu(addr);
    if ((a >> 24) == 0 || a == 0xffffffffu)
        return rtn_broadcast;
    if ((a >> 28) == 0xe)
        return rtn_multicast;
    if ((a >> 24) == 127)
        return a == 0x7fffffffu ? rtn_broadcast : rtn_local;
    return rtn_unicast;
}

//! inet_addr_type over the namespace's addresses (ip/in_device.hpp).
template <class Ctx>
rtn_type inet_addr_type(Ctx& ctx, std::uint32_t addr) noexcept;

//! inet_can_nonlocal_bind: may the socket bind an address no local device
//! has (net.ipv4.ip_nonlocal_bind, IP_FREEBIND, IP_TRANSPARENT)?
constexpr bool inet_can_nonlocal_bind(const ipv4_sysctl& s, const inet_sock& inet) noexcept {
    return s.ip_nonlocal_bind || inet_test_bit(inet, inet_flags_freebind) ||
           inet_test_bit(inet, inet_flags_transparent);
}

//! inet_addr_valid_or_nonlocal: may the socket bind \p addr, of route type
//! \p addr_type: ANY, a local, multicast or broadcast address, or any
//! address where a nonlocal bind is allowed.
constexpr bool inet_addr_valid_or_nonlocal(const ipv4_sysctl& s, const inet_sock& inet,
                                           std::uint32_t addr, rtn_type addr_type) noexcept {
    return inet_can_nonlocal_bind(s, inet) || addr == inaddr_any || addr_type == rtn_local ||
           addr_type == rtn_multicast || addr_type == rtn_broadcast;
}

//! The kernel's copy of the address a bind or connect got, read as a
//! sockaddr_in without assuming sockaddr's (2-byte) alignment: EINVAL when
//! \p addr_len is shorter than a sockaddr_in (as every caller checks).
inline int sockaddr_in_from(const sockaddr* uaddr, int addr_len, sockaddr_in& sin) noexcept {
    if (addr_len < static_cast<int>(sizeof(sockaddr_in)))
        return -einval;
    std::memcpy(&sin, uaddr, sizeof sin);
    return 0;
}

//! What every successful bind records (__inet_bind's end, ping_bind's):
//! which of address and port the caller chose (SOCK_BINDADDR_LOCK,
//! SOCK_BINDPORT_LOCK; disconnect keeps those), the source port, and no
//! peer.
inline void inet_bind_finish(sock& sk, unsigned short snum) noexcept {
    inet_sock& inet = *inet_sk(&sk);
    if (inet.inet_rcv_saddr())
        sk.sk_userlocks |= sock_bind_lock;
    if (snum)
        sk.sk_userlocks |= sock_bind_port_lock;
    inet.inet_sport = ksock::cpu_to_be16(inet.inet_num());
    inet.inet_daddr() = 0;
    inet.inet_dport() = 0;
}

//! (1 << state) masks, as TCPF_*.
constexpr unsigned tcpf(std::uint8_t state) noexcept {
    return 1u << state;
}

namespace detail {
template <class P>
concept has_get_port = requires(archetypes::context& c, sock& sk) {
    { P::get_port(c, sk, static_cast<unsigned short>(0)) } -> std::same_as<int>;
};
template <class P>
concept has_prot_bind = requires(archetypes::context& c, sock& sk, const sockaddr* a) {
    { P::bind(c, sk, a, 0) } -> std::same_as<int>;
};
template <class P>
concept has_prot_shutdown = requires(archetypes::context& c, sock& sk) {
    P::shutdown(c, sk, 0);
};
template <class P>
concept has_disconnect = requires(archetypes::context& c, sock& sk) {
    { P::disconnect(c, sk, 0) } -> std::same_as<int>;
};
template <class P>
concept has_prot_sendmsg = requires(archetypes::context& c, sock& sk, kmsghdr& m) {
    { P::sendmsg(c, sk, m, std::size_t{}) } -> std::same_as<long>;
};
template <class P>
concept has_prot_recvmsg = requires(archetypes::context& c, sock& sk, kmsghdr& m, int* l) {
    { P::recvmsg(c, sk, m, std::size_t{}, 0, l) } -> std::same_as<long>;
};
//! sk->sk_prot->get_port(sk, snum); a proto without one (raw: its number
//! is its port from creation on) has no port to give.
template <class P, class Ctx>
int get_port(Ctx& ctx, sock& sk, unsigned short snum) {
    if constexpr (has_get_port<P>)
        return P::get_port(ctx, sk, snum);
    else
        return -eopnotsupp;
}
template <class P>
concept has_prot_ioctl = requires(archetypes::context& c, sock& sk, int* k) {
    { P::ioctl(c, sk, 0UL, k) } -> std::same_as<int>;
};
template <class P>
constexpr bool no_autobind() {
    if constexpr (requires { P::no_autobind; })
        return P::no_autobind;
    else
        return false;
}
} // namespace detail

//! inet_autobind: a socket without a local port gets an ephemeral one
//! (EAGAIN when none is free).
template <class P, class Ctx>
int inet_autobind(Ctx& ctx, sock& sk) {
    inet_sock& inet = *inet_sk(&sk);
    if (!inet.inet_num()) {
        if (detail::get_port<P>(ctx, sk, 0))
            return -eagain;
        inet.inet_sport = ksock::cpu_to_be16(inet.inet_num());
    }
    return 0;
}

//! inet_bind -> inet_bind_sk -> __inet_bind, in Linux's order.
template <class Entry, class Ctx>
int inet_bind(Ctx& ctx, ksock::socket& so, const sockaddr* uaddr, int addr_len) {
    using P = typename Entry::prot;
    sock& sk = *so.sk;
    if constexpr (detail::has_prot_bind<P>) {
        return P::bind(ctx, sk, uaddr, addr_len); // raw_bind, ping_bind
    } else {
        trace_scope ts(ctx.trace(), "inet_bind");
        sockaddr_in sin;
        if (const int err = sockaddr_in_from(uaddr, addr_len, sin))
            return ts.result(err);
        inet_sock& inet = *inet_sk(&sk);
        if (sin.sin_family != af_inet) {
            // Compatibility: AF_UNSPEC is AF_INET when the address is ANY.
            if (sin.sin_family != af_unspec || sin.sin_addr.s_addr != inaddr_any)
                return ts.result(-eafnosupport);
        }
        const ipv4_sysctl& sysctl = ipv4_net(ctx).sysctl;
        const rtn_type chk = inet_addr_type(ctx, sin.sin_addr.s_addr);
        if (!inet_addr_valid_or_nonlocal(sysctl, inet, sin.sin_addr.s_addr, chk))
            return ts.result(-eaddrnotavail);
        const unsigned short snum = ksock::be16_to_cpu(sin.sin_port);
        if (snum && snum < sysctl.ip_unprivileged_port_start &&
            !ctx.current_cred().has(cap_net_bind_service))
            return ts.result(-eacces);
        // Double bind, or an active socket.
        if (sk.sk_state() != tcp_close || inet.inet_num())
            return ts.result(-einval);
        inet.inet_rcv_saddr() = inet.inet_saddr = sin.sin_addr.s_addr;
        if (chk == rtn_multicast || chk == rtn_broadcast)
            inet.inet_saddr = 0; // use the device's
        if (snum || !inet_test_bit(inet, inet_flags_bind_address_no_port)) {
            if (detail::get_port<P>(ctx, sk, snum)) {
                inet.inet_saddr = inet.inet_rcv_saddr() = 0;
                return ts.result(-eaddrinuse);
            }
        }
        inet_bind_finish(sk, snum);
        return 0;
    }
}

//! inet_getname: the local address (peer == 0) or the peer's; peer == 2 is
//! accept's question, which a socket still in SYN_SENT or CLOSE may answer.
template <class Entry, class Ctx>
int inet_getname(Ctx&, ksock::socket& so, sockaddr* uaddr, int peer) {
    sock& sk = *so.sk;
    const inet_sock& inet = *inet_sk(&sk);
    sockaddr_in sin{};
    sin.sin_family = af_inet;
    if (peer) {
        if (!inet.inet_dport() ||
            ((tcpf(sk.sk_state()) & (tcpf(tcp_close) | tcpf(tcp_syn_sent))) && peer == 1))
            return -enotconn;
        sin.sin_port = inet.inet_dport();
        sin.sin_addr.s_addr = inet.inet_daddr();
    } else {
        std::uint32_t addr = inet.inet_rcv_saddr();
        if (!addr)
            addr = inet.inet_saddr;
        sin.sin_port = inet.inet_sport;
        sin.sin_addr.s_addr = addr;
    }
    std::memcpy(uaddr, &sin, sizeof sin);
    return static_cast<int>(sizeof(sockaddr_in));
}

//! inet_shutdown.
template <class Entry, class Ctx>
int inet_shutdown(Ctx& ctx, ksock::socket& so, int how) {
    using P = typename Entry::prot;
    sock& sk = *so.sk;
    // 0 -> 1 (RCV_SHUTDOWN), 1 -> 2 (SEND_SHUTDOWN), 2 -> 3; INT_MAX -> 0.
    how = static_cast<int>(static_cast<unsigned>(how) + 1u);
    if ((how & ~shutdown_mask) || !how)
        return -einval;
    trace_scope ts(ctx.trace(), "inet_shutdown");
    if (so.state == ss_connecting) {
        if (tcpf(sk.sk_state()) & (tcpf(tcp_syn_sent) | tcpf(tcp_syn_recv) | tcpf(tcp_close)))
            so.state = ss_disconnecting;
        else
            so.state = ss_connected;
    }
    int err = 0;
    auto shut = [&] {
        sk.sk_shutdown = static_cast<std::uint8_t>(sk.sk_shutdown | how);
        if constexpr (detail::has_prot_shutdown<P>)
            P::shutdown(ctx, sk, how);
    };
    auto disconnect = [&] {
        if constexpr (detail::has_disconnect<P>)
            err = P::disconnect(ctx, sk, o_nonblock);
        so.state = err ? ss_disconnecting : ss_unconnected;
    };
    switch (sk.sk_state()) {
    case tcp_close:
        // "Hack to wake up other listeners, who can poll for EPOLLHUP, even
        // on eg. unconnected UDP sockets": the bits are set all the same.
        err = -enotconn;
        shut();
        break;
    case tcp_listen:
        if (!(how & rcv_shutdown))
            break;
        disconnect();
        break;
    case tcp_syn_sent:
        disconnect();
        break;
    default:
        shut();
        break;
    }
    ctx.sk_state_change(sk); // wake up anyone sleeping in poll
    return ts.result(err);
}

//! inet_sendmsg: autobind (unless the proto binds on its own), then the
//! proto's sendmsg.
template <class Entry, class Ctx>
long inet_sendmsg(Ctx& ctx, ksock::socket& so, kmsghdr& msg, std::size_t size) {
    using P = typename Entry::prot;
    sock& sk = *so.sk;
    if constexpr (!detail::no_autobind<P>()) {
        if (!inet_sk(&sk)->inet_num() && inet_autobind<P>(ctx, sk))
            return -eagain;
    }
    if constexpr (detail::has_prot_sendmsg<P>)
        return P::sendmsg(ctx, sk, msg, size);
    else
        return -eopnotsupp;
}

//! inet_recvmsg: the proto's recvmsg; the address length it reports
//! becomes msg_namelen.
template <class Entry, class Ctx>
long inet_recvmsg(Ctx& ctx, ksock::socket& so, kmsghdr& msg, std::size_t size, int flags) {
    using P = typename Entry::prot;
    if constexpr (detail::has_prot_recvmsg<P>) {
        int addr_len = 0;
        const long err = P::recvmsg(ctx, *so.sk, msg, size, flags, &addr_len);
        if (err >= 0)
            msg.msg_namelen = addr_len;
        return err;
    } else {
        return -eopnotsupp;
    }
}

//! inet_ioctl -> sk_ioctl: the proto answers into an int that is then
//! copied out (SIOCINQ, SIOCOUTQ, SIOCATMARK ...).
template <class Entry, class Ctx>
int inet_ioctl(Ctx& ctx, ksock::socket& so, unsigned long cmd, void* arg) {
    using P = typename Entry::prot;
    // sock_ioctl -> ops->gettstamp = sock_gettstamp: the time the last packet
    // was received, ENOENT while there is none. ksock keeps no receive
    // timestamps (it has no wall clock), so sk_stamp never leaves
    // SK_DEFAULT_STAMP and the answer is always ENOENT.
    if (cmd == siocgstamp_old || cmd == siocgstampns_old || cmd == siocgstamp_new ||
        cmd == siocgstampns_new)
        return so.sk->sk_stamp == sk_default_stamp ? -enoent : -enoioctlcmd;
    if constexpr (detail::has_prot_ioctl<P>) {
        int karg = 0;
        if (const int rc = P::ioctl(ctx, *so.sk, cmd, &karg))
            return rc;
        if (!arg)
            return -efault;
        std::memcpy(arg, &karg, sizeof karg);
        return 0;
    } else {
        return -enoioctlcmd;
    }
}

} // namespace ksock::inet
