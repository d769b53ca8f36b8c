// test/registry/resolve.cpp: socket() argument resolution of default_stack
// against the spec's decision table (§2.2, §2.3, §4.2, §10, PF_UNIX), at
// compile time and at run time, and a conformance suite over every protosw
// entry of default_stack.
#include <cstring>
#include <tuple>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/static_require.hpp"

namespace {

using S = ksock::default_stack;
using namespace ksock;
using namespace ksock::inet;
using namespace ksock::unix_domain;

constexpr int re(int f, int t, int p) {
    return S::resolve_errno(f, t, p);
}

// Run time, through socket(): the same errno; success closes the fd again.
int run(int f, int t, int p) {
    static S s; // one stack; every successful socket is closed at once
    const int fd = s.socket(f, t, p);
    if (fd >= 0) {
        REQUIRE(s.close(fd) == 0);
        return 0;
    }
    return fd;
}

#define RESOLVES(f, t, p, e)                                                                       \
    do {                                                                                           \
        STATIC_REQUIRE(re(f, t, p) == (e));                                                        \
        CHECK(run(f, t, p) == (e));                                                                \
    } while (false)

} // namespace

TEST_CASE("resolve: check order, flags before family before type (spec §2.2, §2.3)") {
    // Stray flag bits are EINVAL first, even with a bad family.
    RESOLVES(-1, sock_stream | 0x100, 0, -einval);
    RESOLVES(pf_inet, sock_stream | 0x10, 0, -einval);
    RESOLVES(pf_inet, sock_stream | o_append, 0, -einval);
    RESOLVES(pf_inet, -1, 6, -einval);
    RESOLVES(999, -1, 0, -einval);
    // SOCK_NONBLOCK / SOCK_CLOEXEC are not stray.
    RESOLVES(pf_inet, sock_stream | sock_nonblock | sock_cloexec, 0, 0);
    // Family range, then type range: (46, 11) EAFNOSUPPORT, (45, 11) EINVAL.
    RESOLVES(46, 11, 0, -eafnosupport);
    RESOLVES(45, 11, 0, -einval);
    RESOLVES(-1, sock_stream, 0, -eafnosupport);
    RESOLVES(pf_inet, 11, 0, -einval);
    RESOLVES(pf_inet, 15, 0, -einval);
    // Unregistered families in range.
    RESOLVES(af_unspec, sock_stream, 0, -eafnosupport);
    RESOLVES(pf_inet6, sock_stream, 0, -eafnosupport);
    RESOLVES(af_mctp, sock_dgram, 0, -eafnosupport);
    // Only PF_INET+SOCK_PACKET is rewritten; other families stay unsupported.
    RESOLVES(af_unspec, sock_packet, 0, -eafnosupport);
    RESOLVES(af_mctp, sock_packet, 0, -eafnosupport);
}

TEST_CASE("resolve: PF_INET decision table (spec §4.2 step 1 and 3, §10)") {
    // Protocol range is checked before the type lookup, even for bad types.
    RESOLVES(pf_inet, sock_stream, -1, -einval);
    RESOLVES(pf_inet, sock_stream, 263, -einval);
    RESOLVES(pf_inet, sock_raw, 9999, -einval);
    RESOLVES(pf_inet, 0, 9999, -einval);
    RESOLVES(pf_inet, sock_seqpacket, 263, -einval);
    RESOLVES(pf_inet, sock_rdm, -5, -einval);
    // Types without entries.
    for (int t : {0, 4, 5, 6, 7, 8, 9}) {
        CAPTURE(t);
        CHECK(re(pf_inet, t, 0) == -esocktnosupport);
        CHECK(re(pf_inet, t, 6) == -esocktnosupport);
        CHECK(re(pf_inet, t, 262) == -esocktnosupport);
        CHECK(run(pf_inet, t, 0) == -esocktnosupport);
    }
    STATIC_REQUIRE(re(pf_inet, 0, 0) == -esocktnosupport);
    STATIC_REQUIRE(re(pf_inet, sock_seqpacket, 0) == -esocktnosupport);
    STATIC_REQUIRE(re(pf_inet, 9, 262) == -esocktnosupport);
    // STREAM.
    RESOLVES(pf_inet, sock_stream, 0, 0);
    RESOLVES(pf_inet, sock_stream, ipproto_tcp, 0);
    RESOLVES(pf_inet, sock_stream, ipproto_udp, -eprotonosupport);
    RESOLVES(pf_inet, sock_stream, 1, -eprotonosupport);
    RESOLVES(pf_inet, sock_stream, 255, -eprotonosupport);
    RESOLVES(pf_inet, sock_stream, 261, -eprotonosupport);
    // DGRAM.
    RESOLVES(pf_inet, sock_dgram, 0, 0);
    RESOLVES(pf_inet, sock_dgram, ipproto_udp, 0);
    RESOLVES(pf_inet, sock_dgram, ipproto_tcp, -eprotonosupport);
    RESOLVES(pf_inet, sock_dgram, 255, -eprotonosupport);
    STATIC_REQUIRE(re(pf_inet, sock_dgram, ipproto_icmp) == 0); // ping: EACCES only at init
    // RAW: a wildcard entry that does not accept a wildcard request.
    RESOLVES(pf_inet, sock_raw, 0, -eprotonosupport);
    for (int p : {1, 2, 6, 17, 41, 132, 255, 256, 262}) {
        CAPTURE(p);
        CHECK(re(pf_inet, sock_raw, p) == 0);
        CHECK(S::resolve_triple(pf_inet, sock_raw, p).protocol == p);
        CHECK(run(pf_inet, sock_raw, p) == 0); // root
    }
    STATIC_REQUIRE(re(pf_inet, sock_raw, 1) == 0);
    STATIC_REQUIRE(re(pf_inet, sock_raw, 262) == 0);
    STATIC_REQUIRE(re(pf_inet, sock_raw | sock_cloexec, 255) == 0);
}

TEST_CASE("resolve<F,T,P>: entry, rewritten protocol and type (spec §4.2 step 3)") {
    using tcp0 = S::resolve<pf_inet, sock_stream, 0>;
    STATIC_REQUIRE(tcp0::protocol == ipproto_tcp);
    STATIC_REQUIRE(std::is_same_v<tcp0::prot, inet::tcp_prot>);
    STATIC_REQUIRE(std::is_same_v<tcp0::entry, inet::tcp_protosw>);
    STATIC_REQUIRE(std::is_same_v<tcp0::ops, inet::inet_stream_ops>);
    STATIC_REQUIRE(tcp0::flags == (inet_protosw_permanent | inet_protosw_icsk));
    STATIC_REQUIRE(tcp0::type == sock_stream);
    STATIC_REQUIRE(tcp0::family == pf_inet);
    STATIC_REQUIRE(tcp0::obj_size == sizeof(tcp_sock));
    STATIC_REQUIRE(S::resolve<pf_inet, sock_stream | sock_nonblock, 6>::index == tcp0::index);

    using udp0 = S::resolve<pf_inet, sock_dgram, 0>;
    STATIC_REQUIRE(udp0::protocol == ipproto_udp);
    STATIC_REQUIRE(std::is_same_v<udp0::prot, inet::udp_prot>);
    STATIC_REQUIRE(std::is_same_v<udp0::ops, inet::inet_dgram_ops>);

    using ping = S::resolve<pf_inet, sock_dgram, 1>;
    STATIC_REQUIRE(std::is_same_v<ping::entry, inet::ping_protosw>);
    STATIC_REQUIRE(ping::protocol == ipproto_icmp);
    STATIC_REQUIRE(ping::flags == inet_protosw_reuse);

    using raw7 = S::resolve<pf_inet, sock_raw, 7>;
    STATIC_REQUIRE(std::is_same_v<raw7::entry, inet::raw_protosw>);
    STATIC_REQUIRE(raw7::protocol == 7); // kept: the wildcard entry matched
    STATIC_REQUIRE(S::resolve<pf_inet, sock_raw, 262>::protocol == 262);

    // PF_UNIX: SOCK_RAW is served as SOCK_DGRAM; protocol 0 or PF_UNIX.
    using uraw = S::resolve<pf_unix, sock_raw, 0>;
    STATIC_REQUIRE(uraw::type == sock_dgram);
    STATIC_REQUIRE(std::is_same_v<uraw::entry, unix_domain::unix_dgram_protosw>);
    STATIC_REQUIRE(
        std::is_same_v<S::resolve<pf_unix, sock_stream, 1>::prot, unix_domain::unix_stream_proto>);
    STATIC_REQUIRE(S::resolve<pf_unix, sock_stream, 1>::protocol == 0);
    STATIC_REQUIRE(std::is_same_v<S::resolve<pf_unix, sock_seqpacket, 0>::ops,
                                  unix_domain::unix_seqpacket_ops>);
    STATIC_REQUIRE(std::is_same_v<S::resolve<pf_unix, sock_seqpacket, 0>::prot,
                                  unix_domain::unix_dgram_proto>);
}

TEST_CASE("resolve: PF_UNIX (unix_create)") {
    RESOLVES(pf_unix, sock_stream, 0, 0);
    RESOLVES(pf_unix, sock_dgram, 0, 0);
    RESOLVES(pf_unix, sock_seqpacket, 0, 0);
    RESOLVES(pf_unix, sock_raw, 0, 0);
    RESOLVES(pf_unix, sock_stream, pf_unix, 0);
    RESOLVES(pf_unix, sock_stream, 2, -eprotonosupport);
    RESOLVES(pf_unix, sock_dgram, -1, -eprotonosupport);
    RESOLVES(pf_unix, sock_rdm, 0, -esocktnosupport);
    RESOLVES(pf_unix, 0, 0, -esocktnosupport);
    RESOLVES(pf_unix, sock_dccp, 0, -esocktnosupport);
    RESOLVES(pf_unix, sock_packet, 0, -esocktnosupport);
    // Protocol is checked before the type.
    RESOLVES(pf_unix, sock_rdm, 2, -eprotonosupport);
    // Still the generic checks first.
    RESOLVES(pf_unix, 11, 0, -einval);
    RESOLVES(pf_unix, sock_stream | 0x20, 0, -einval);

    // A run-time raw unix socket really is a SOCK_DGRAM "UNIX" one.
    S s;
    const int fd = s.socket(pf_unix, sock_raw, 0);
    REQUIRE(fd == 0);
    CHECK(s.socket_of(fd)->type == sock_dgram);
    CHECK(s.sk_of_fd(fd)->sk_type == sock_dgram);
    CHECK(std::strcmp(s.sk_of_fd(fd)->sk_prot()->name, "UNIX") == 0);
    CHECK(s.sk_of_fd(fd)->sk_protocol == 0);
}

TEST_CASE("resolve: compile-time socket<F,T,P>() agrees with socket(f,t,p)") {
    S a, b;
    CHECK(a.socket<pf_inet, sock_stream, 0>() == b.socket(pf_inet, sock_stream, 0));
    CHECK(a.socket<pf_inet, sock_dgram, 17>() == b.socket(pf_inet, sock_dgram, 17));
    CHECK(a.socket<pf_inet, sock_raw, 255>() == b.socket(pf_inet, sock_raw, 255));
    CHECK(a.socket<pf_unix, sock_seqpacket, 0>() == b.socket(pf_unix, sock_seqpacket, 0));
    // ping resolves, then fails in init with the default empty range.
    CHECK(a.socket<pf_inet, sock_dgram, 1>() == -eacces);
    CHECK(b.socket(pf_inet, sock_dgram, 1) == -eacces);
    for (int fd = 0; fd < 4; ++fd) {
        CHECK(a.sk_of_fd(fd)->sk_protocol == b.sk_of_fd(fd)->sk_protocol);
        CHECK(std::strcmp(a.sk_of_fd(fd)->sk_prot()->name, b.sk_of_fd(fd)->sk_prot()->name) == 0);
    }
    CHECK(a.sk_of_fd(0)->sk_protocol == ipproto_tcp);
    CHECK(a.sk_of_fd(2)->sk_protocol == ipproto_raw);
    CHECK(a.sockets_in_use() == 4);
    CHECK(b.sockets_in_use() == 4);
    // Flags travel through the compile-time form too.
    const int nb = a.socket<pf_inet, sock_stream | sock_nonblock | sock_cloexec, 0>();
    CHECK(nb == 4);
    CHECK(a.fcntl(nb, f_getfl) == (o_rdwr | o_nonblock));
    CHECK(a.fcntl(nb, f_getfd) == fd_cloexec);
}

// --- conformance suite over every protosw entry -----------------------------

namespace {
template <class L>
struct as_tuple;
template <class... Es>
struct as_tuple<ksock::type_list<Es...>> {
    using type = std::tuple<Es...>;
};

//! The family number an entry of default_stack belongs to.
template <class E>
constexpr int family_of() {
    return []<class... Fs>(ksock::type_list<Fs...>) {
        int n = -1;
        ((ksock::detail::contains_v<E, typename Fs::protosw> ? (void)(n = Fs::number) : void()),
         ...);
        return n;
    }(S::families{});
}

//! A protocol that selects E (a wildcard raw entry takes IPPROTO_RAW).
template <class E>
constexpr int protocol_for() {
    if (family_of<E>() == pf_inet && E::protocol == 0)
        return ipproto_raw;
    return E::protocol;
}
} // namespace

TEST_CASE_TEMPLATE_DEFINE("protosw entry conformance", E, protosw_conformance) {
    using P = typename E::prot;
    using O = typename E::ops;
    using Obj = typename P::obj_type;
    STATIC_REQUIRE(ksock::protosw_entry<E>);
    STATIC_REQUIRE(ksock::proto<P>);
    STATIC_REQUIRE(ksock::proto_ops<O>);
    STATIC_REQUIRE(P::obj_size == sizeof(Obj));
    STATIC_REQUIRE(E::obj_size == sizeof(Obj));
    STATIC_REQUIRE(ksock::begins_with<Obj, ksock::sock>);
    STATIC_REQUIRE(ksock::sock_object<Obj>);
    STATIC_REQUIRE((E::type >= 0 && E::type < ksock::sock_max));
    STATIC_REQUIRE(family_of<E>() >= 0);
    if constexpr ((E::flags & ksock::inet_protosw_icsk) != 0)
        STATIC_REQUIRE(ksock::begins_with<Obj, ksock::inet::inet_connection_sock>);

    constexpr int f = family_of<E>();
    constexpr int p = protocol_for<E>();
    // The triple (family, type, protocol) resolves to exactly this entry.
    using R = typename S::template resolve<f, E::type, p>;
    STATIC_REQUIRE(std::is_same_v<typename R::entry, E>);

    S s;
    ksock::inet::ipv4_sysctl& v4 = ksock::inet::ipv4_net(s).sysctl;
    v4.ping_group_range[0] = 0; // let root open ping sockets too
    v4.ping_group_range[1] = 0;
    const int fd = s.socket(f, E::type, p);
    REQUIRE(fd == 0);
    ksock::sock* sk = s.sk_of_fd(fd);
    REQUIRE(sk != nullptr);
    CHECK(std::strcmp(sk->sk_prot()->name, P::name) == 0);
    CHECK(sk->sk_prot()->obj_size == P::obj_size);
    CHECK(std::strcmp(s.file_of(fd)->f_name, P::name) == 0);
    CHECK(sk->sk_family() == f);
    CHECK(sk->sk_type == E::type);
    CHECK(s.socket_of(fd)->sk == sk);
    CHECK(sk->sk_socket == s.socket_of(fd));
    CHECK(s.objects_in_use<P>() == 1);
    CHECK(s.close(fd) == 0);
    CHECK(s.objects_in_use<P>() == 0);
    CHECK(s.sockets_in_use() == 0);
    CHECK(s.files_in_use() == 0);
    CHECK(s.net().sock_inuse == 0);
}
TEST_CASE_TEMPLATE_APPLY(protosw_conformance, as_tuple<S::entries>::type);

TEST_CASE("default_stack: registry shape") {
    STATIC_REQUIRE(S::family_count == 2);
    STATIC_REQUIRE(S::entry_count == 8);
    STATIC_REQUIRE(S::protos::size == 7);
    // inetsw order: tcp, udp, udplite (udplite4_register puts it after the
    // last permanent SOCK_DGRAM entry), ping, raw (spec §4.1)
    STATIC_REQUIRE(
        std::is_same_v<ksock::inet::inetsw,
                       ksock::type_list<ksock::inet::tcp_protosw, ksock::inet::udp_protosw,
                                        ksock::inet::udplite_protosw, ksock::inet::ping_protosw,
                                        ksock::inet::raw_protosw>>);
    STATIC_REQUIRE(ksock::inet::udplite_protosw::flags == 0x02);
    STATIC_REQUIRE(ksock::inet::udplite_protosw::protocol == 136);
    STATIC_REQUIRE(ksock::inet::tcp_protosw::flags == 0x06);
    STATIC_REQUIRE(ksock::inet::udp_protosw::flags == 0x02);
    STATIC_REQUIRE(ksock::inet::ping_protosw::flags == 0x01);
    STATIC_REQUIRE(ksock::inet::raw_protosw::flags == 0x01);
    STATIC_REQUIRE(ksock::inet::raw_protosw::protocol == 0);
}

TEST_CASE("resolve: the protocol-0 table is the families' own lookup, for every (family, type)") {
    // lookup() answers protocol 0 from a table filled while compiling; it
    // must say what the family's lookup says, cell by cell.
    for (int f = 0; f < af_max; ++f) {
        for (int t = 0; t < sock_max; ++t) {
            const resolution a = S::lookup(f, t, 0);
            const int fi = S::net_families.idx[f];
            if (fi < 0) {
                CHECK(a.err == -eafnosupport);
                continue;
            }
            const resolution b = S::lookup_in(fi, t, 0);
            INFO("family " << f << " type " << t);
            CHECK(a.err == b.err);
            CHECK(a.entry == b.entry);
            CHECK(a.type == b.type);
            CHECK(a.protocol == b.protocol);
        }
    }
    STATIC_REQUIRE(S::lookup(pf_inet, sock_stream, 0).protocol == ipproto_tcp);
    STATIC_REQUIRE(S::lookup(pf_unix, sock_raw, 0).type == sock_dgram);
}
