// examples/custom_family.cpp: PF_RADIO (29, AF_CAN's number), a protocol family
// of your own next to PF_UNIX and PF_INET: its socket object, proto, ops (level
// SOL_RADIO) and create policy (can_create's protocol range check, then the
// create steps every family shares). Returns non-zero on a mismatch.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include <ksock/core/sk_create.hpp>
#include <ksock/core/sk_release_ops.hpp>
#include <ksock/core/sock_init.hpp>
#include <ksock/ksock.hpp>
#include <ksock/registry/ranged_lookup.hpp>

using namespace ksock;

inline constexpr int pf_radio = 29, radio_proto_frame = 1, radio_proto_raw = 2, radio_nproto = 3;
inline constexpr int sol_radio = 280, radio_channel = 1, radio_txpower = 2; // its options
inline constexpr int radio_max_channel = 15, radio_default_channel = 11, radio_default_txpower = 0;

//! The socket object: ksock::sock first, then the family's own state.
struct radio_sock {
    sock sk;
    int channel, txpower_dbm;
    std::uint32_t frames_sent;
};
static_assert(sock_object<radio_sock> && offsetof(radio_sock, sk) == 0);
//! Naming the first member makes the object's image a constant expression.
template <>
struct ksock::first_member<radio_sock> : first_member_is<&radio_sock::sk> {};

//! The proto (struct proto radio_prot).
struct radio_prot {
    static constexpr const char* name = "RADIO";
    using obj_type = radio_sock;
    static constexpr std::size_t obj_size = sizeof(radio_sock);
    template <class Ctx>
    static int init(Ctx&, sock&) {
        return 0; // radio_create has set the fields
    }
    template <class Ctx>
    static void close(Ctx& ctx, sock& sk, long) {
        sk_common_release<radio_prot>(ctx, sk);
    }
};

//! The ops shared by both socket types: release and the SOL_RADIO level.
struct radio_common_ops : sk_release_ops {
    static constexpr int family = pf_radio;
    //! The field a SOL_RADIO option names, or null.
    static int* field(ksock::socket& so, int optname) noexcept {
        radio_sock& r = *sk_cast<radio_sock>(so.sk);
        return optname == radio_channel   ? &r.channel
               : optname == radio_txpower ? &r.txpower_dbm
                                          : nullptr;
    }
    template <class Entry, class Ctx>
    static int getsockopt(Ctx&, ksock::socket& so, int level, int optname, void* optval,
                          socklen_t* optlen) {
        if (level != sol_radio)
            return -enoprotoopt;
        if (!optval || !optlen)
            return -efault;
        if (*optlen < sizeof(int))
            return -einval;
        const int* v = field(so, optname);
        if (!v)
            return -enoprotoopt;
        std::memcpy(optval, v, sizeof *v);
        *optlen = sizeof *v;
        return 0;
    }
    template <class Entry, class Ctx>
    static int setsockopt(Ctx&, ksock::socket& so, int level, int optname, const void* optval,
                          socklen_t optlen) {
        if (level != sol_radio)
            return -enoprotoopt;
        if (optlen < sizeof(int))
            return -einval;
        int v;
        std::memcpy(&v, optval, sizeof v);
        int* f = field(so, optname);
        if (!f)
            return -enoprotoopt;
        if (optname == radio_channel && (v < 0 || v > radio_max_channel))
            return -einval;
        if (optname == radio_txpower && (v < -20 || v > 20))
            return -erange;
        *f = v;
        return 0;
    }
};
struct radio_dgram_ops : radio_common_ops {
    static constexpr const char* name = "radio_dgram_ops";
};
struct radio_raw_ops : radio_common_ops {
    static constexpr const char* name = "radio_raw_ops";
};

//! The create policy (.create): the common steps, with the family's own fields.
struct radio_create : ranged_lookup<radio_nproto>, sk_create_defaults {
    template <class Entry>
    static constexpr void values(radio_sock& r, int) noexcept {
        r.channel = radio_default_channel;
        r.txpower_dbm = radio_default_txpower;
        r.frames_sent = 0;
        r.sk.sk_sndbuf = 4096; // a small radio: small buffers
        r.sk.sk_rcvbuf = 4096;
    }
    template <class Entry, class Ctx>
    static int create(Ctx& ctx, ksock::socket& so, int protocol, int kern) {
        return sk_create<Entry, radio_create>(ctx, so, pf_radio, protocol, kern);
    }
};

using radio_dgram_protosw = protosw<sock_dgram, radio_proto_frame, radio_prot, radio_dgram_ops>;
using radio_raw_protosw = protosw<sock_raw, radio_proto_raw, radio_prot, radio_raw_ops>;
using radio_family =
    family<pf_radio, radio_create, type_list<radio_dgram_protosw, radio_raw_protosw>>;

//! A fresh radio socket, as a constant.
inline constexpr radio_sock radio_defaults =
    sk_image<radio_dgram_protosw, radio_create>(pf_radio, radio_proto_frame);
static_assert(radio_defaults.channel == radio_default_channel &&
              radio_defaults.sk.sk_family() == pf_radio && radio_defaults.sk.sk_sndbuf == 4096);

struct radio_config : default_config {
    using families = type_list<unix_domain::unix_family, inet::inet_family, radio_family>;
};
using radio_stack = stack<radio_config>;

// The triple resolves at compile time like any other family's.
using R = radio_stack::resolve<pf_radio, sock_dgram, 0>;
static_assert(R::protocol == radio_proto_frame, "protocol 0 takes the entry's");
static_assert(std::is_same_v<R::prot, radio_prot> && std::is_same_v<R::ops, radio_dgram_ops> &&
              std::is_same_v<R::obj_type, radio_sock> && R::obj_size == sizeof(radio_sock));
static_assert(radio_stack::resolve_errno(pf_radio, sock_stream, 0) == -esocktnosupport);
static_assert(radio_stack::resolve_errno(pf_radio, sock_dgram, radio_proto_raw) ==
              -eprotonosupport);
static_assert(radio_stack::resolve_errno(pf_radio, sock_dgram, 7) == -einval);
// PF_INET is unchanged by the new neighbour.
static_assert(radio_stack::resolve<pf_inet, sock_stream, 0>::protocol == ipproto_tcp);

namespace {
//! Sizes print as %lu: newlib-nano's printf (the usual firmware libc) has no %zu.
constexpr unsigned long ul(std::size_t n) noexcept {
    return n;
}
int failures = 0;
void check(bool ok, const char* what) {
    if (!ok) {
        std::printf("!! CHECK FAILED: %s\n", what);
        ++failures;
    }
}
//! Prints "<call> = <r><note>" and checks that r is \p want.
void expect(const char* call, int r, int want, const char* note = "", const char* what = nullptr) {
    std::printf("%s = %d%s\n", call, r, note);
    check(r == want, what ? what : call);
}
radio_stack s; // static memory, as a firmware's stack would be
//! getsockopt(fd, level, opt) of an int: the value, or the call's -errno.
int get_int(int fd, int level, int opt) {
    int v = -1;
    socklen_t len = sizeof v;
    const int r = s.getsockopt(fd, level, opt, &v, &len);
    return r ? r : v;
}
} // namespace

int main() {
    std::printf("PF_RADIO (%d) registered after PF_UNIX and PF_INET: %d families, %d entries\n",
                pf_radio, radio_stack::family_count, radio_stack::entry_count);
    std::printf("resolve<PF_RADIO, SOCK_DGRAM, 0>: entry %d, protocol %d, prot %s, ops %s, "
                "obj_size %lu\n",
                R::index, R::protocol, R::prot::name, R::ops::name, ul(R::obj_size));

    // Statically resolved; SOL_SOCKET through the generic path, SOL_RADIO through the ops.
    const int fd = s.socket<pf_radio, sock_dgram, 0>();
    expect("socket<PF_RADIO, SOCK_DGRAM, 0>()", fd, 0, "", "first radio socket is fd 0");
    check(s.objects_in_use<radio_prot>() == 1, "one radio_sock in the pool");
    expect("  SOL_SOCKET SO_DOMAIN  ", get_int(fd, sol_socket, so_domain), pf_radio);
    expect("  SOL_SOCKET SO_TYPE    ", get_int(fd, sol_socket, so_type), sock_dgram);
    expect("  SOL_SOCKET SO_PROTOCOL", get_int(fd, sol_socket, so_protocol), radio_proto_frame);
    expect("  SOL_SOCKET SO_SNDBUF  ", get_int(fd, sol_socket, so_sndbuf), 4096);
    expect("  SOL_RADIO RADIO_CHANNEL", get_int(fd, sol_radio, radio_channel),
           radio_default_channel, " (default)");
    const int ch = 5, bad = 99;
    int r = s.setsockopt(fd, sol_radio, radio_channel, &ch, sizeof ch);
    const int v = get_int(fd, sol_radio, radio_channel);
    check(r == 0 && v == 5, "set RADIO_CHANNEL 5, reads back 5");
    std::printf("  setsockopt(SOL_RADIO, RADIO_CHANNEL, 5) = %d, reads back %d\n", r, v);
    expect("  setsockopt(SOL_RADIO, RADIO_CHANNEL, 99)",
           s.setsockopt(fd, sol_radio, radio_channel, &bad, sizeof bad), -einval, " (EINVAL)");
    expect("  getsockopt(SOL_RADIO, 42)", get_int(fd, sol_radio, 42), -enoprotoopt,
           " (ENOPROTOOPT)");
    expect("  getsockopt(SOL_TCP, TCP_NODELAY)", get_int(fd, sol_tcp, tcp_nodelay), -enoprotoopt,
           " (ENOPROTOOPT: not our level)");

    // Dynamically resolved, next to a TCP socket.
    const int raw = s.socket(pf_radio, sock_raw, 0), tcp = s.socket(pf_inet, sock_stream, 0);
    std::printf("socket(PF_RADIO, SOCK_RAW, 0) = %d, socket(PF_INET, SOCK_STREAM, 0) = %d\n", raw,
                tcp);
    check(raw == 1 && tcp == 2, "raw radio fd 1, tcp fd 2");
    check(get_int(raw, sol_socket, so_protocol) == radio_proto_raw, "raw: RADIO_PROTO_RAW");
    check(s.objects_in_use<radio_prot>() == 2, "two radio_socks");
    check(s.objects_in_use<inet::tcp_prot>() == 1, "one tcp_sock");

    // Errors, per radio_create's lookup and sk_create.
    expect("socket(PF_RADIO, SOCK_STREAM, 0)", s.socket(pf_radio, sock_stream, 0),
           -esocktnosupport);
    expect("socket(PF_RADIO, SOCK_DGRAM, RADIO_PROTO_RAW)",
           s.socket(pf_radio, sock_dgram, radio_proto_raw), -eprotonosupport);
    expect("socket(PF_RADIO, SOCK_DGRAM, 7)", s.socket(pf_radio, sock_dgram, 7), -einval);
    const cred root = s.current().cred;
    s.current().cred = cred::user(1000, 1000);
    expect("socket(PF_RADIO, SOCK_RAW, 0) as uid 1000", s.socket(pf_radio, sock_raw, 0), -eperm,
           " (EPERM)"); // no CAP_NET_RAW
    r = s.socket(pf_radio, sock_dgram, 0);
    expect("socket(PF_RADIO, SOCK_DGRAM, 0) as uid 1000", r, 3, "", "dgram radio is open to users");
    if (r >= 0) {
        const sock* sk = s.sk_of_fd(r);
        check(sk && sk->sk_uid == 1000, "sk_uid is the creator's");
        check(s.close(r) == 0, "close user socket");
    }
    s.current().cred = root;
    int sv[2];
    expect("socketpair(PF_RADIO, SOCK_DGRAM, 0)", s.socketpair(pf_radio, sock_dgram, 0, sv),
           -eopnotsupp, " (EOPNOTSUPP: no socketpair op)");

    for (int f : {fd, raw, tcp})
        check(s.close(f) == 0, "close");
    std::printf("after close: sockets %lu, radio_sock %lu, tcp_sock %lu, net sock_inuse %d\n",
                ul(s.sockets_in_use()), ul(s.objects_in_use<radio_prot>()),
                ul(s.objects_in_use<inet::tcp_prot>()), s.net().sock_inuse);
    check(s.sockets_in_use() == 0 && s.files_in_use() == 0, "no sockets left");
    check(s.objects_in_use<radio_prot>() == 0, "radio pool empty");
    check(s.objects_in_use<inet::tcp_prot>() == 0, "tcp pool empty");
    check(s.net().sock_inuse == 0, "sock_inuse back to 0");
    if (failures)
        std::printf("%d check(s) FAILED\n", failures);
    else
        std::printf("all checks passed\n");
    return failures ? 1 : 0;
}
