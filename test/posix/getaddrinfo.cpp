// test/posix/getaddrinfo.cpp: getaddrinfo's results come from the static
// pool (addrinfo_pool.hpp): filled as glibc fills them, EAI_MEMORY when the
// pool is empty, given back by freeaddrinfo and taken again, and no block
// left behind by any error. Every test leaves the pool full: it is the
// program's one pool.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/posix/addrinfo_pool.hpp>
#include <ksock/posix/getaddrinfo.hpp>

namespace kp = ksock::posix;

namespace {

kp::addrinfo hints_of(int flags, int family, int socktype, int protocol) {
    kp::addrinfo h{};
    h.ai_flags = flags;
    h.ai_family = family;
    h.ai_socktype = socktype;
    h.ai_protocol = protocol;
    return h;
}

//! The address a result holds (copied out: sockaddr is less aligned).
ksock::sockaddr_in address_of(const kp::addrinfo* ai) {
    ksock::sockaddr_in sin{};
    std::memcpy(&sin, ai->ai_addr, sizeof sin);
    return sin;
}

std::size_t length_of(const kp::addrinfo* ai) {
    std::size_t n = 0;
    for (; ai != nullptr; ai = ai->ai_next)
        ++n;
    return n;
}

} // namespace

TEST_CASE("getaddrinfo: the results are glibc's, in blocks of the pool") {
    REQUIRE(kp::addrinfo_blocks_free() == kp::addrinfo_blocks);
    REQUIRE(kp::addrinfo_blocks >= 3);
    const kp::addrinfo h = hints_of(kp::ai_canonname, ksock::af_inet, 0, 0);
    kp::addrinfo* res = nullptr;
    REQUIRE(kp::bsd::getaddrinfo("192.0.2.7", "7", &h, &res) == 0);
    CHECK(kp::addrinfo_blocks_free() == kp::addrinfo_blocks - 3);
    const int types[] = {ksock::sock_stream, ksock::sock_dgram, ksock::sock_raw};
    const int protos[] = {ksock::ipproto_tcp, ksock::ipproto_udp, 0};
    int i = 0;
    for (const kp::addrinfo* ai = res; ai != nullptr; ai = ai->ai_next, ++i) {
        REQUIRE(i < 3);
        CHECK(ai->ai_flags == kp::ai_canonname); // the hints' flags, as glibc copies them
        CHECK(ai->ai_family == ksock::af_inet);
        CHECK(ai->ai_socktype == types[i]);
        CHECK(ai->ai_protocol == protos[i]);
        CHECK(ai->ai_addrlen == sizeof(ksock::sockaddr_in));
        const ksock::sockaddr_in sin = address_of(ai);
        CHECK(sin.sin_family == ksock::af_inet);
        CHECK(sin.sin_port == ksock::cpu_to_be16(7));
        CHECK(sin.sin_addr.s_addr == ksock::cpu_to_be32(0xc0000207));
        // The canonical name on the first result only, a copy of the node.
        if (i == 0)
            CHECK(std::strcmp(ai->ai_canonname, "192.0.2.7") == 0);
        else
            CHECK(ai->ai_canonname == nullptr);
    }
    CHECK(i == 3);
    kp::bsd::freeaddrinfo(res);
    CHECK(kp::addrinfo_blocks_free() == kp::addrinfo_blocks);
    kp::bsd::freeaddrinfo(nullptr); // as glibc's: nothing
    CHECK(kp::addrinfo_blocks_free() == kp::addrinfo_blocks);
}

TEST_CASE("getaddrinfo: a table's host name in any case, its canonical name the table's") {
    const kp::addrinfo h = hints_of(kp::ai_canonname, ksock::af_inet, ksock::sock_stream, 0);
    kp::addrinfo* res = nullptr;
    REQUIRE(kp::bsd::getaddrinfo("LocalHost", "7", &h, &res) == 0);
    CHECK(std::strcmp(res->ai_canonname, "localhost") == 0);
    CHECK(address_of(res).sin_addr.s_addr == ksock::cpu_to_be32(ksock::inaddr_loopback));
    kp::bsd::freeaddrinfo(res);
    CHECK(kp::bsd::getaddrinfo("localhost.", "7", &h, &res) == kp::eai_noname);
    CHECK(kp::bsd::getaddrinfo("localhos", "7", &h, &res) == kp::eai_noname);
    CHECK(kp::addrinfo_blocks_free() == kp::addrinfo_blocks);
}

TEST_CASE("getaddrinfo: an empty pool is EAI_MEMORY; a freed block is taken again") {
    const kp::addrinfo one = hints_of(0, ksock::af_inet, ksock::sock_stream, 0);
    kp::addrinfo* held[kp::addrinfo_blocks] = {};
    for (auto& r : held) {
        REQUIRE(kp::bsd::getaddrinfo("127.0.0.1", "80", &one, &r) == 0);
        REQUIRE(length_of(r) == 1);
    }
    CHECK(kp::addrinfo_blocks_free() == 0);
    kp::addrinfo* const sentinel = const_cast<kp::addrinfo*>(&one); // never written on error
    kp::addrinfo* res = sentinel;
    CHECK(kp::bsd::getaddrinfo("127.0.0.1", "80", &one, &res) == kp::eai_memory);
    CHECK(res == sentinel);
    CHECK(std::strcmp(kp::bsd::gai_strerror(kp::eai_memory), "Memory allocation failure") == 0);

    // One block back: the next answer of one result is that block, filled anew.
    kp::addrinfo* freed = held[kp::addrinfo_blocks / 2];
    kp::bsd::freeaddrinfo(freed);
    CHECK(kp::addrinfo_blocks_free() == 1);
    REQUIRE(kp::bsd::getaddrinfo("192.0.2.9", "443", &one, &res) == 0);
    CHECK(res == freed);
    CHECK(res->ai_next == nullptr);
    CHECK(address_of(res).sin_port == ksock::cpu_to_be16(443));
    CHECK(address_of(res).sin_addr.s_addr == ksock::cpu_to_be32(0xc0000209));
    held[kp::addrinfo_blocks / 2] = res;

    // An answer of three with two free is refused whole: nothing is taken.
    kp::bsd::freeaddrinfo(held[0]);
    kp::bsd::freeaddrinfo(held[1]);
    CHECK(kp::bsd::getaddrinfo("127.0.0.1", "80", nullptr, &res) == kp::eai_memory);
    CHECK(kp::addrinfo_blocks_free() == 2);
    held[0] = held[1] = nullptr;
    for (kp::addrinfo* r : held)
        kp::bsd::freeaddrinfo(r);
    CHECK(kp::addrinfo_blocks_free() == kp::addrinfo_blocks);

    // A list freed twice, or memory that is no block, changes nothing.
    REQUIRE(kp::bsd::getaddrinfo("127.0.0.1", "80", nullptr, &res) == 0);
    kp::bsd::freeaddrinfo(res);
    kp::bsd::freeaddrinfo(res);
    kp::addrinfo foreign{};
    kp::bsd::freeaddrinfo(&foreign);
    CHECK(kp::addrinfo_blocks_free() == kp::addrinfo_blocks);
}

TEST_CASE("getaddrinfo: every error leaves the pool as it was") {
    struct query {
        const char* node;
        const char* service;
        kp::addrinfo hints;
        int error;
    };
    const query queries[] = {
        {nullptr, nullptr, hints_of(0, 0, 0, 0), kp::eai_noname},
        {"127.0.0.1", "7", hints_of(0x8000, 0, 0, 0), kp::eai_badflags},
        {nullptr, "7", hints_of(kp::ai_canonname, 0, 0, 0), kp::eai_badflags},
        {"127.0.0.1", "7", hints_of(0, ksock::af_inet6, 0, 0), kp::eai_family},
        {"127.0.0.1", "echo", hints_of(kp::ai_numericserv, 99, 0, 0), kp::eai_family},
        {"127.0.0.1", "echo", hints_of(kp::ai_numericserv, 0, 0, 0), kp::eai_noname},
        {"127.0.0.1", "7", hints_of(0, 0, 4, 0), kp::eai_socktype},
        {"127.0.0.1", "7", hints_of(0, 0, ksock::sock_stream, ksock::ipproto_udp),
         kp::eai_socktype},
        {"127.0.0.1", "7", hints_of(0, 0, 0, 200), kp::eai_service},
        {"127.0.0.1", "7", hints_of(0, 0, ksock::sock_raw, 0), kp::eai_service},
        {"127.0.0.1", "no-such-service", hints_of(0, 0, 0, 0), kp::eai_service},
        {"127.0.0.1", "http", hints_of(0, 0, ksock::sock_dgram, 0), kp::eai_service},
        {"127.0.0.1", "-1", hints_of(0, 0, 0, 0), kp::eai_service},
        {"no.such.host", "7", hints_of(0, 0, 0, 0), kp::eai_noname},
        {"localhost", "7", hints_of(kp::ai_numerichost, 0, 0, 0), kp::eai_noname},
        {"1.2.3.4 junk", "7", hints_of(0, 0, 0, 0), kp::eai_noname},
    };
    // With the pool full, and with all but one block held: no error takes one.
    for (int round = 0; round < 2; ++round) {
        kp::addrinfo* held = nullptr;
        if (round == 1) {
            const kp::addrinfo one = hints_of(0, 0, ksock::sock_dgram, 0);
            kp::addrinfo** tail = &held;
            for (std::size_t i = 0; i + 1 < kp::addrinfo_blocks; ++i) {
                REQUIRE(kp::bsd::getaddrinfo(nullptr, "9", &one, tail) == 0);
                tail = &(*tail)->ai_next; // one list of them all, freed in one call
            }
        }
        const std::size_t free_before = kp::addrinfo_blocks_free();
        for (const query& q : queries) {
            CAPTURE(q.node ? q.node : "(null)");
            CAPTURE(q.service ? q.service : "(null)");
            CAPTURE(q.hints.ai_flags);
            kp::addrinfo* res = nullptr;
            CHECK(kp::bsd::getaddrinfo(q.node, q.service, &q.hints, &res) == q.error);
            CHECK(res == nullptr);
            CHECK(kp::addrinfo_blocks_free() == free_before);
        }
        kp::bsd::freeaddrinfo(held);
        CHECK(kp::addrinfo_blocks_free() == kp::addrinfo_blocks);
    }
}

TEST_CASE("getaddrinfo: a canonical name longer than the pool's room is EAI_MEMORY") {
    // Two names: one that fills the room with its NUL, one a byte longer.
    static char fits[kp::canonname_max];
    static char too_long[kp::canonname_max + 1];
    std::memset(fits, 'a', sizeof fits - 1);
    std::memset(too_long, 'b', sizeof too_long - 1);
    static const kp::host_entry table[] = {{fits, 0xc0000201}, {too_long, 0xc0000202}};
    kp::set_hosts(table);
    const kp::addrinfo h = hints_of(kp::ai_canonname, ksock::af_inet, ksock::sock_stream, 0);
    kp::addrinfo* res = nullptr;
    REQUIRE(kp::bsd::getaddrinfo(fits, "22", &h, &res) == 0);
    CHECK(std::strcmp(res->ai_canonname, fits) == 0);
    CHECK(res->ai_canonname != fits); // a copy, in the block
    kp::bsd::freeaddrinfo(res);
    res = nullptr;
    CHECK(kp::bsd::getaddrinfo(too_long, "22", &h, &res) == kp::eai_memory);
    CHECK(res == nullptr);
    // Without AI_CANONNAME the name is not copied, and any length resolves.
    const kp::addrinfo plain = hints_of(0, ksock::af_inet, ksock::sock_stream, 0);
    REQUIRE(kp::bsd::getaddrinfo(too_long, "22", &plain, &res) == 0);
    CHECK(address_of(res).sin_addr.s_addr == ksock::cpu_to_be32(0xc0000202));
    CHECK(res->ai_canonname == nullptr);
    kp::bsd::freeaddrinfo(res);
    kp::set_hosts(kp::detail::default_hosts);
    CHECK(kp::addrinfo_blocks_free() == kp::addrinfo_blocks);
}

TEST_CASE("getaddrinfo: service names from the services table, per protocol") {
    kp::addrinfo* res = nullptr;
    // "echo" is TCP and UDP: two results, no raw one (a name has no raw port).
    REQUIRE(kp::bsd::getaddrinfo("127.0.0.1", "echo", nullptr, &res) == 0);
    REQUIRE(length_of(res) == 2);
    CHECK(res->ai_socktype == ksock::sock_stream);
    CHECK(res->ai_next->ai_socktype == ksock::sock_dgram);
    CHECK(address_of(res->ai_next).sin_port == ksock::cpu_to_be16(7));
    kp::bsd::freeaddrinfo(res);
    // "www" is http's alias, TCP only.
    REQUIRE(kp::bsd::getaddrinfo("localhost", "www", nullptr, &res) == 0);
    REQUIRE(length_of(res) == 1);
    CHECK(res->ai_protocol == ksock::ipproto_tcp);
    CHECK(address_of(res).sin_port == ksock::cpu_to_be16(80));
    kp::bsd::freeaddrinfo(res);

    // A table of the program's: a name listed for SCTP answers both SCTP
    // kinds, as glibc's loop over its protocols does.
    static const kp::service_entry table[] = {{"ctl", 5000, "sctp", nullptr}};
    kp::set_services(table);
    REQUIRE(kp::bsd::getaddrinfo(nullptr, "ctl", nullptr, &res) == 0);
    REQUIRE(length_of(res) == 2);
    CHECK(res->ai_socktype == ksock::sock_stream);
    CHECK(res->ai_protocol == ksock::ipproto_sctp);
    CHECK(res->ai_next->ai_socktype == ksock::sock_seqpacket);
    CHECK(address_of(res->ai_next).sin_port == ksock::cpu_to_be16(5000));
    CHECK(address_of(res).sin_addr.s_addr == ksock::cpu_to_be32(ksock::inaddr_loopback));
    kp::bsd::freeaddrinfo(res);
    CHECK(kp::bsd::getaddrinfo(nullptr, "echo", nullptr, &res) == kp::eai_service);
    kp::set_services(kp::detail::default_services);
    CHECK(kp::addrinfo_blocks_free() == kp::addrinfo_blocks);
}

TEST_CASE("getaddrinfo: the pool is static RAM of a known size") {
    CHECK(kp::addrinfo_pool_ram >=
          kp::addrinfo_blocks *
              (sizeof(kp::addrinfo) + sizeof(ksock::sockaddr_in) + kp::canonname_max));
    CHECK(kp::addrinfo_pool_ram == sizeof(kp::detail::addrinfo_results));
    // The README's figures, for the default sizes: 8 x (addrinfo, sockaddr_in,
    // 64 name bytes) and 8 flags.
    if (kp::addrinfo_blocks == 8 && kp::canonname_max == 64) {
        if (sizeof(void*) == 8)
            CHECK(kp::addrinfo_pool_ram == 1032);
        if (sizeof(void*) == 4)
            CHECK(kp::addrinfo_pool_ram == 904);
    }
}
