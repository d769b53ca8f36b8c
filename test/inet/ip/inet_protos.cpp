// test/inet/ip/inet_protos.cpp: inet_protos, the receivers of the IP
// protocols as a compile-time list of net_protocol entries: the entry type
// and its checks, the dispatch, and what ip_local_deliver does with TCP's
// packets and with a protocol nobody registered.
#include <memory>
#include <type_traits>

#include "inet/udp/fixture.hpp"
#include "support/static_require.hpp"

using namespace inet_test;

namespace {

namespace in = ksock::inet;

//! Counts the packets it is handed (it never sees a real one here).
struct recorder {
    static inline int calls = 0;
    template <class Ctx>
    static void handler(Ctx&, sk_buff*) {
        ++calls;
    }
};
//! Counts the ICMP errors it is told of, too.
struct err_recorder : recorder {
    static inline int errors = 0;
    static inline std::uint8_t last_code = 0;
    template <class Ctx>
    static void err_handler(Ctx&, const sk_buff*, std::size_t, std::uint8_t, std::uint8_t code) {
        ++errors;
        last_code = code;
    }
};
struct no_handler {};
struct handler_returns_int {
    template <class Ctx>
    static int handler(Ctx&, sk_buff*);
};

int raw_socket(S& s, int protocol) {
    const int fd = s.socket(af_inet, sock_raw | sock_nonblock, protocol);
    REQUIRE(fd >= 0);
    return fd;
}

} // namespace

TEST_CASE("inet_protos: the net_protocol entry and what it requires") {
    STATIC_REQUIRE(in::net_protocol_handler<in::net_protocol_archetype>);
    STATIC_REQUIRE(in::net_protocol_handler<recorder>);
    STATIC_REQUIRE(!in::net_protocol_handler<no_handler>);
    STATIC_REQUIRE(!in::net_protocol_handler<handler_returns_int>);
    STATIC_REQUIRE(in::inet_protocol<in::net_protocol<253, recorder>>);
    STATIC_REQUIRE(!in::inet_protocol<recorder>);
    STATIC_REQUIRE(in::net_protocol<253, recorder>::protocol == 253);
    STATIC_REQUIRE(std::is_same_v<in::net_protocol<253, recorder>::handler_type, recorder>);
    // .err_handler is optional.
    STATIC_REQUIRE(!in::net_protocol<253, recorder>::has_err_handler);
    STATIC_REQUIRE(in::net_protocol<253, err_recorder>::has_err_handler);
    STATIC_REQUIRE(in::net_protocol_err_handler<in::udp_protocol>);
    STATIC_REQUIRE(in::net_protocol_err_handler<in::udplite_protocol>);
    STATIC_REQUIRE(!in::net_protocol_err_handler<in::tcp_protocol>);
}

TEST_CASE("inet_protos: ICMP, UDP, TCP, then UDP-Lite, once each, as inet_init adds them") {
    using P = in::inet_protos;
    STATIC_REQUIRE(P::size == 4);
    STATIC_REQUIRE(ksock::detail::at_t<3, P>::protocol == ipproto_udplite);
    STATIC_REQUIRE(std::is_same_v<ksock::detail::at_t<3, P>::handler_type, in::udplite_protocol>);
    STATIC_REQUIRE(ksock::detail::at_t<0, P>::protocol == ipproto_icmp);
    STATIC_REQUIRE(ksock::detail::at_t<1, P>::protocol == ipproto_udp);
    STATIC_REQUIRE(ksock::detail::at_t<2, P>::protocol == ipproto_tcp);
    STATIC_REQUIRE(std::is_same_v<ksock::detail::at_t<0, P>::handler_type, in::icmp_protocol>);
    STATIC_REQUIRE(std::is_same_v<ksock::detail::at_t<1, P>::handler_type, in::udp_protocol>);
    STATIC_REQUIRE(std::is_same_v<ksock::detail::at_t<2, P>::handler_type, in::tcp_protocol>);
    STATIC_REQUIRE(in::detail::inet_protos_valid(P{}));
    // inet_add_protocol refuses a second entry for a taken number.
    STATIC_REQUIRE(!in::detail::inet_protos_valid(
        type_list<in::net_protocol<17, recorder>, in::net_protocol<17, in::udp_protocol>>{}));
}

TEST_CASE("inet_protos: a packet reaches the handler of its protocol's entry, and only it") {
    using L =
        type_list<in::net_protocol<200, recorder>, in::net_protocol<7, in::net_protocol_archetype>>;
    int ctx = 0; // the handlers here use no context
    recorder::calls = 0;
    CHECK(in::detail::inet_protocol_deliver(L{}, ctx, nullptr, 200));
    CHECK(recorder::calls == 1);
    CHECK(in::detail::inet_protocol_deliver(L{}, ctx, nullptr, 7));
    CHECK(recorder::calls == 1);
    CHECK_FALSE(in::detail::inet_protocol_deliver(L{}, ctx, nullptr, 201));
    CHECK_FALSE(in::detail::inet_protocol_deliver(L{}, ctx, nullptr, 0));
    CHECK(recorder::calls == 1);
    // An empty list registers nothing.
    CHECK_FALSE(in::detail::inet_protocol_deliver(type_list<>{}, ctx, nullptr, 17));
}

TEST_CASE("inet_protos: an ICMP error reaches the err_handler of the protocol it quotes") {
    using L = type_list<in::net_protocol<200, err_recorder>, in::net_protocol<7, recorder>>;
    int ctx = 0;
    err_recorder::errors = 0;
    in::detail::inet_protocol_err(L{}, ctx, nullptr, 0, 200, 3, 3);
    CHECK(err_recorder::errors == 1);
    CHECK(err_recorder::last_code == 3);
    // One without an err_handler, and a protocol nobody registered, ignore it.
    in::detail::inet_protocol_err(L{}, ctx, nullptr, 0, 7, 3, 2);
    in::detail::inet_protocol_err(L{}, ctx, nullptr, 0, 201, 3, 2);
    CHECK(err_recorder::errors == 1);
}

TEST_CASE("ip_local_deliver: TCP is registered, an unknown protocol is unreachable") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int ri = raw_socket(s, ipproto_icmp), rr = raw_socket(s, ipproto_raw);
    // A TCP segment a raw socket wrote (too short for a TCP header): no TCP
    // socket takes it and no ICMP error answers it.
    unsigned char ip[22] = {0x45, 0,   0, 0, 0, 0,   0, 0, 64, ipproto_tcp, 0,
                            0,    127, 0, 0, 1, 127, 0, 0, 1,  'q',         'q'};
    CHECK(s.sendto(rr, ip, sizeof ip, 0, sa(lo(0)), sin_len) == 22);
    unsigned char b[200];
    CHECK(s.recv(ri, b, sizeof b, 0) == -eagain);
    // Protocol 201 has no entry and no raw socket: protocol unreachable.
    ip[9] = 201;
    CHECK(s.sendto(rr, ip, sizeof ip, 0, sa(lo(0)), sin_len) == 22);
    CHECK(s.recv(ri, b, sizeof b, 0) == 50);
    CHECK(b[20] == 3); // ICMP_DEST_UNREACH
    CHECK(b[21] == 2); // ICMP_PROT_UNREACH
    CHECK(b[28 + 9] == 201);
    // A raw socket of protocol 201 takes the next one: no error then.
    const int r201 = raw_socket(s, 201);
    CHECK(s.sendto(rr, ip, sizeof ip, 0, sa(lo(0)), sin_len) == 22);
    CHECK(s.recv(r201, b, sizeof b, 0) == 22);
    CHECK(s.recv(ri, b, sizeof b, 0) == -eagain);
    for (const int fd : {r201, rr, ri})
        CHECK(s.close(fd) == 0);
    check(s);
    CHECK(s.empty());
}
