// examples/custom_family.cpp: a protocol family of your own, registered next
// to PF_UNIX and PF_INET.
//
// PF_RADIO (29, the number Linux gives AF_CAN) models a small packet radio:
//  * its socket object, radio_sock, begins with ksock::sock (first member at
//    offset 0, like every Linux socket object) and adds a channel, a transmit
//    power and a frame counter;
//  * its proto, radio_prot ("RADIO"), initialises them and frees the object
//    through sk_common_release;
//  * its ops, radio_dgram_ops / radio_raw_ops, release the socket and serve
//    their own option level SOL_RADIO (RADIO_CHANNEL, RADIO_TXPOWER);
//  * its create policy, radio_create, checks the protocol range (EINVAL, as
//    can_create does), walks its protosw table with ksock::protosw_lookup
//    (ESOCKTNOSUPPORT / EPROTONOSUPPORT), requires CAP_NET_RAW for SOCK_RAW,
//    then sk_alloc -> sock_init_data -> sk_prot->init, as unix_create does.
// The program opens radio sockets statically (socket<29, SOCK_DGRAM, 0>) and
// dynamically, reads SO_DOMAIN/SO_TYPE/SO_PROTOCOL through the generic
// SOL_SOCKET path and RADIO_* through the family's ops, checks the errors,
// closes everything and checks the pools. It returns non-zero on a mismatch.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include <ksock/core/sock_init.hpp>
#include <ksock/ksock.hpp>

namespace radio {

inline constexpr int pf_radio = 29; // AF_CAN's number
inline constexpr int radio_proto_frame = 1;
inline constexpr int radio_proto_raw = 2;
inline constexpr int radio_nproto = 3;
inline constexpr int sol_radio = 280;
inline constexpr int radio_channel = 1;
inline constexpr int radio_txpower = 2;
inline constexpr int radio_max_channel = 15;
inline constexpr int radio_default_channel = 11;
inline constexpr int radio_default_txpower = 0; // dBm

//! The socket object: ksock::sock first, then the family's own state.
struct radio_sock {
    ksock::sock sk;
    int channel;
    int txpower_dbm;
    std::uint32_t frames_sent;
};
static_assert(ksock::sock_object<radio_sock>);
static_assert(offsetof(radio_sock, sk) == 0);

inline radio_sock* radio_sk(ksock::sock* sk) noexcept {
    return ksock::sk_cast<radio_sock>(sk);
}

//! The proto (struct proto radio_prot).
struct radio_prot {
    static constexpr const char* name = "RADIO";
    using obj_type = radio_sock;
    static constexpr std::size_t obj_size = sizeof(radio_sock);

    //! The proto's own per-sock values (constexpr: the image below uses them).
    static constexpr void init_values(radio_sock& r) noexcept {
        r.channel = radio_default_channel;
        r.txpower_dbm = radio_default_txpower;
        r.frames_sent = 0;
        r.sk.sk_sndbuf = 4096; // a small radio: small buffers
        r.sk.sk_rcvbuf = 4096;
    }

    template <class Ctx>
    static int init(Ctx&, ksock::sock& sk) {
        init_values(*radio_sk(&sk));
        return 0;
    }
    template <class Ctx>
    static void close(Ctx& ctx, ksock::sock& sk, long /*timeout*/) {
        ksock::sk_common_release<radio_prot>(ctx, sk);
    }
};

//! The ops shared by both socket types: release and the SOL_RADIO level.
struct radio_common_ops {
    static constexpr int family = pf_radio;

    template <class Entry, class Ctx>
    static int release(Ctx& ctx, ksock::socket& so) {
        if (ksock::sock* sk = so.sk) {
            Entry::prot::close(ctx, *sk, 0);
            so.sk = nullptr;
        }
        return 0;
    }

    template <class Entry, class Ctx>
    static int getsockopt(Ctx&, ksock::socket& so, int level, int optname, void* optval,
                          ksock::socklen_t* optlen) {
        if (level != sol_radio)
            return -ksock::enoprotoopt;
        if (!optval || !optlen)
            return -ksock::efault;
        if (*optlen < sizeof(int))
            return -ksock::einval;
        const radio_sock& r = *radio_sk(so.sk);
        int v;
        switch (optname) {
        case radio_channel:
            v = r.channel;
            break;
        case radio_txpower:
            v = r.txpower_dbm;
            break;
        default:
            return -ksock::enoprotoopt;
        }
        std::memcpy(optval, &v, sizeof v);
        *optlen = sizeof v;
        return 0;
    }

    template <class Entry, class Ctx>
    static int setsockopt(Ctx&, ksock::socket& so, int level, int optname, const void* optval,
                          ksock::socklen_t optlen) {
        if (level != sol_radio)
            return -ksock::enoprotoopt;
        if (optlen < sizeof(int))
            return -ksock::einval;
        int v;
        std::memcpy(&v, optval, sizeof v);
        radio_sock& r = *radio_sk(so.sk);
        switch (optname) {
        case radio_channel:
            if (v < 0 || v > radio_max_channel)
                return -ksock::einval;
            r.channel = v;
            return 0;
        case radio_txpower:
            if (v < -20 || v > 20)
                return -ksock::erange;
            r.txpower_dbm = v;
            return 0;
        default:
            return -ksock::enoprotoopt;
        }
    }
};
struct radio_dgram_ops : radio_common_ops {
    static constexpr const char* name = "radio_dgram_ops";
};
struct radio_raw_ops : radio_common_ops {
    static constexpr const char* name = "radio_raw_ops";
};

//! The create policy (net_proto_family radio_family_ops .create).
struct radio_create {
    static constexpr ksock::resolution lookup(const ksock::protosw_desc* entries, int n, int type,
                                              int protocol) noexcept {
        if (protocol < 0 || protocol >= radio_nproto)
            return {-ksock::einval, -1, type, protocol};
        return ksock::protosw_lookup(entries, n, type, protocol);
    }

    template <class Entry, class Ctx>
    static int create(Ctx& ctx, ksock::socket& so, int protocol, int kern) {
        using P = typename Entry::prot;
        so.state = ksock::ss_unconnected;
        if (Entry::type == ksock::sock_raw && !kern && !ctx.current_cred().has(ksock::cap_net_raw))
            return -ksock::eperm;
        radio_sock* r = ctx.template obj_alloc<P>();
        if (!r)
            return -ksock::enomem;
        ksock::sk_alloc_values(r->sk, ksock::proto_desc_v<P>, pf_radio, kern, &ctx.net(),
                               ctx.cgroup_classid(), ctx.cgroup_prioidx());
        if (!kern)
            ++ctx.net().sock_inuse;
        ksock::sock_init_data(&so, r->sk, ctx.trace());
        r->sk.sk_protocol = static_cast<std::uint16_t>(protocol);
        if (const int err = P::init(ctx, r->sk)) {
            ksock::sk_common_release<P>(ctx, r->sk);
            so.sk = nullptr;
            return err;
        }
        return 0;
    }

    //! A fresh radio socket, as a constant.
    template <class Entry>
    static constexpr radio_sock image(int protocol) noexcept {
        radio_sock r{};
        ksock::sk_alloc_values(r.sk, ksock::proto_desc_v<typename Entry::prot>, pf_radio, 0,
                               nullptr, 0, 0);
        ksock::sock_init_data_values(r.sk, ksock::net_core_sysctl{}, Entry::type, 0);
        r.sk.sk_protocol = static_cast<std::uint16_t>(protocol);
        Entry::prot::init_values(r);
        return r;
    }
};

using radio_dgram_protosw =
    ksock::protosw<ksock::sock_dgram, radio_proto_frame, radio_prot, radio_dgram_ops>;
using radio_raw_protosw =
    ksock::protosw<ksock::sock_raw, radio_proto_raw, radio_prot, radio_raw_ops>;
using radio_family =
    ksock::family<pf_radio, radio_create, ksock::type_list<radio_dgram_protosw, radio_raw_protosw>>;

inline constexpr radio_sock defaults = radio_create::image<radio_dgram_protosw>(radio_proto_frame);
static_assert(defaults.channel == radio_default_channel);
static_assert(defaults.sk.sk_family() == pf_radio);
static_assert(defaults.sk.sk_sndbuf == 4096);

} // namespace radio

struct radio_config : ksock::default_config {
    using families = ksock::type_list<ksock::unix_domain::unix_family, ksock::inet::inet_family,
                                      radio::radio_family>;
};
using radio_stack = ksock::stack<radio_config>;

// The triple resolves at compile time like any other family's.
using R = radio_stack::resolve<radio::pf_radio, ksock::sock_dgram, 0>;
static_assert(R::protocol == radio::radio_proto_frame, "protocol 0 takes the entry's");
static_assert(std::is_same_v<R::prot, radio::radio_prot>);
static_assert(std::is_same_v<R::ops, radio::radio_dgram_ops>);
static_assert(std::is_same_v<R::obj_type, radio::radio_sock>);
static_assert(R::obj_size == sizeof(radio::radio_sock));
static_assert(radio_stack::resolve_errno(radio::pf_radio, ksock::sock_stream, 0) ==
              -ksock::esocktnosupport);
static_assert(radio_stack::resolve_errno(radio::pf_radio, ksock::sock_dgram,
                                         radio::radio_proto_raw) == -ksock::eprotonosupport);
static_assert(radio_stack::resolve_errno(radio::pf_radio, ksock::sock_dgram, 7) == -ksock::einval);
// PF_INET is unchanged by the new neighbour.
static_assert(radio_stack::resolve<ksock::pf_inet, ksock::sock_stream, 0>::protocol ==
              ksock::ipproto_tcp);

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

int get_int(radio_stack& s, int fd, int level, int opt, int& out) {
    out = -1;
    ksock::socklen_t len = sizeof out;
    return s.getsockopt(fd, level, opt, &out, &len);
}

} // namespace

int main() {
    static radio_stack s;
    std::printf("PF_RADIO (%d) registered after PF_UNIX and PF_INET: %d families, %d entries\n",
                radio::pf_radio, radio_stack::family_count, radio_stack::entry_count);
    std::printf("resolve<PF_RADIO, SOCK_DGRAM, 0>: entry %d, protocol %d, prot %s, ops %s, "
                "obj_size %lu\n",
                R::index, R::protocol, R::prot::name, R::ops::name, ul(R::obj_size));

    // Statically resolved.
    const int fd = s.socket<radio::pf_radio, ksock::sock_dgram, 0>();
    std::printf("socket<PF_RADIO, SOCK_DGRAM, 0>() = %d\n", fd);
    check(fd == 0, "first radio socket is fd 0");
    check(s.objects_in_use<radio::radio_prot>() == 1, "one radio_sock in the pool");

    int v = 0;
    check(get_int(s, fd, ksock::sol_socket, ksock::so_domain, v) == 0 && v == radio::pf_radio,
          "SO_DOMAIN == PF_RADIO");
    std::printf("  SOL_SOCKET SO_DOMAIN   = %d\n", v);
    check(get_int(s, fd, ksock::sol_socket, ksock::so_type, v) == 0 && v == ksock::sock_dgram,
          "SO_TYPE == SOCK_DGRAM");
    std::printf("  SOL_SOCKET SO_TYPE     = %d\n", v);
    check(get_int(s, fd, ksock::sol_socket, ksock::so_protocol, v) == 0 &&
              v == radio::radio_proto_frame,
          "SO_PROTOCOL == RADIO_PROTO_FRAME");
    std::printf("  SOL_SOCKET SO_PROTOCOL = %d\n", v);
    check(get_int(s, fd, ksock::sol_socket, ksock::so_sndbuf, v) == 0 && v == 4096,
          "SO_SNDBUF == 4096 (radio_prot init)");
    std::printf("  SOL_SOCKET SO_SNDBUF   = %d\n", v);
    check(get_int(s, fd, radio::sol_radio, radio::radio_channel, v) == 0 &&
              v == radio::radio_default_channel,
          "RADIO_CHANNEL default");
    std::printf("  SOL_RADIO RADIO_CHANNEL = %d (default)\n", v);

    const int ch = 5;
    int r = s.setsockopt(fd, radio::sol_radio, radio::radio_channel, &ch, sizeof ch);
    check(r == 0, "set RADIO_CHANNEL 5");
    check(get_int(s, fd, radio::sol_radio, radio::radio_channel, v) == 0 && v == 5,
          "RADIO_CHANNEL reads 5");
    std::printf("  setsockopt(SOL_RADIO, RADIO_CHANNEL, 5) = %d, reads back %d\n", r, v);
    const int bad = 99;
    r = s.setsockopt(fd, radio::sol_radio, radio::radio_channel, &bad, sizeof bad);
    check(r == -ksock::einval, "RADIO_CHANNEL 99 is EINVAL");
    std::printf("  setsockopt(SOL_RADIO, RADIO_CHANNEL, 99) = %d (EINVAL)\n", r);
    r = get_int(s, fd, radio::sol_radio, 42, v);
    check(r == -ksock::enoprotoopt, "unknown SOL_RADIO option is ENOPROTOOPT");
    std::printf("  getsockopt(SOL_RADIO, 42) = %d (ENOPROTOOPT)\n", r);
    r = get_int(s, fd, ksock::sol_tcp, ksock::tcp_nodelay, v);
    check(r == -ksock::enoprotoopt, "SOL_TCP on a radio socket is ENOPROTOOPT");
    std::printf("  getsockopt(SOL_TCP, TCP_NODELAY) = %d (ENOPROTOOPT: not our level)\n", r);

    // Dynamically resolved, next to a TCP socket.
    const int raw = s.socket(radio::pf_radio, ksock::sock_raw, 0);
    const int tcp = s.socket(ksock::pf_inet, ksock::sock_stream, 0);
    std::printf("socket(PF_RADIO, SOCK_RAW, 0) = %d, socket(PF_INET, SOCK_STREAM, 0) = %d\n", raw,
                tcp);
    check(raw == 1 && tcp == 2, "raw radio fd 1, tcp fd 2");
    check(get_int(s, raw, ksock::sol_socket, ksock::so_protocol, v) == 0 &&
              v == radio::radio_proto_raw,
          "raw SO_PROTOCOL == RADIO_PROTO_RAW");
    check(s.objects_in_use<radio::radio_prot>() == 2, "two radio_socks");
    check(s.objects_in_use<ksock::inet::tcp_prot>() == 1, "one tcp_sock");

    // Errors, per radio_create::lookup and create.
    struct {
        const char* what;
        int type, protocol, expect;
    } const errs[] = {
        {"socket(PF_RADIO, SOCK_STREAM, 0)", ksock::sock_stream, 0, -ksock::esocktnosupport},
        {"socket(PF_RADIO, SOCK_DGRAM, RADIO_PROTO_RAW)", ksock::sock_dgram, radio::radio_proto_raw,
         -ksock::eprotonosupport},
        {"socket(PF_RADIO, SOCK_DGRAM, 7)", ksock::sock_dgram, 7, -ksock::einval},
    };
    for (const auto& e : errs) {
        r = s.socket(radio::pf_radio, e.type, e.protocol);
        std::printf("%s = %d\n", e.what, r);
        check(r == e.expect, e.what);
    }
    const ksock::cred root = s.current().cred;
    s.current().cred = ksock::cred::user(1000, 1000);
    r = s.socket(radio::pf_radio, ksock::sock_raw, 0);
    std::printf("socket(PF_RADIO, SOCK_RAW, 0) as uid 1000 = %d (EPERM)\n", r);
    check(r == -ksock::eperm, "raw radio needs CAP_NET_RAW");
    r = s.socket(radio::pf_radio, ksock::sock_dgram, 0);
    std::printf("socket(PF_RADIO, SOCK_DGRAM, 0) as uid 1000 = %d\n", r);
    check(r == 3, "dgram radio is open to users");
    if (r >= 0) {
        const ksock::sock* sk = s.sk_of_fd(r);
        check(sk && sk->sk_uid == 1000, "sk_uid is the creator's");
        check(s.close(r) == 0, "close user socket");
    }
    s.current().cred = root;

    int sv[2];
    r = s.socketpair(radio::pf_radio, ksock::sock_dgram, 0, sv);
    std::printf("socketpair(PF_RADIO, SOCK_DGRAM, 0) = %d (EOPNOTSUPP: no socketpair op)\n", r);
    check(r == -ksock::eopnotsupp, "radio socketpair is EOPNOTSUPP");

    for (int f : {fd, raw, tcp})
        check(s.close(f) == 0, "close");
    std::printf("after close: sockets %lu, radio_sock %lu, tcp_sock %lu, net sock_inuse %d\n",
                ul(s.sockets_in_use()), ul(s.objects_in_use<radio::radio_prot>()),
                ul(s.objects_in_use<ksock::inet::tcp_prot>()), s.net().sock_inuse);
    check(s.sockets_in_use() == 0 && s.files_in_use() == 0, "no sockets left");
    check(s.objects_in_use<radio::radio_prot>() == 0, "radio pool empty");
    check(s.objects_in_use<ksock::inet::tcp_prot>() == 0, "tcp pool empty");
    check(s.net().sock_inuse == 0, "sock_inuse back to 0");

    if (failures) {
        std::printf("%d check(s) FAILED\n", failures);
        return 1;
    }
    std::printf("all checks passed\n");
    return 0;
}
