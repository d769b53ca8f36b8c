// test/differential/posix_text.cpp: ksock's inet_aton, inet_addr,
// inet_pton, inet_ntop (AF_INET and AF_INET6), getaddrinfo, getservbyname,
// getservbyport and gai_strerror against glibc's, input for input: the same
// result, the same address, the same error. The services are compared where
// both databases list them: ksock's table against the host's
// /etc/services, whose lines it copies.
#include <cerrno> // the C library's headers, for __GLIBC__

#include <doctest/doctest.h>

#if defined(__linux__) && defined(__GLIBC__)

#include <cstdint>
#include <cstring>
#include <netdb.h>
#include <string>
#include <strings.h>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ksock/posix/addrinfo_pool.hpp>
#include <ksock/posix/getaddrinfo.hpp>
#include <ksock/posix/inet_addr.hpp>
#include <ksock/posix/services.hpp>

namespace kp = ksock::posix;

namespace {

// Numeric forms, odd and broken: every part base, short forms, trailing text.
const char* const texts[] = {"127.0.0.1",
                             "0.0.0.0",
                             "255.255.255.255",
                             "192.0.2.7",
                             "192.0.2.07",
                             "010.0.0.1",
                             "0x7f.1",
                             "0x7F.0.0.1",
                             "127.1",
                             "127.0.1",
                             "1",
                             "0",
                             "4294967295",
                             "4294967296",
                             "0xffffffff",
                             "0x100000000",
                             "256.1.1.1",
                             "1.256.1.1",
                             "1.2.3.256",
                             "1.2.65536",
                             "1.2.65535",
                             "1.16777215",
                             "1.16777216",
                             "1.2.3.4.5",
                             "1.2.3.",
                             ".1.2.3",
                             "1..2.3",
                             "",
                             " 1.2.3.4",
                             "1.2.3.4 ",
                             "1.2.3.4\t",
                             "1.2.3.4x",
                             "1.2.3.4 junk",
                             "08",
                             "0x",
                             "0x.1",
                             "00",
                             "09.1.1.1",
                             "0377.0377.0377.0377",
                             "0400.0.0.1",
                             "-1.2.3.4",
                             "+1.2.3.4",
                             "1.2.3.04",
                             "01.2.3.4",
                             "1.2.3.4\n",
                             "999",
                             "1.2.3.0x4",
                             "localhost"};

//! The host has a services database to compare with (netbase's
//! /etc/services; a minimal container may lack it).
bool host_has_services() {
    if (::getservbyname("echo", "tcp") != nullptr)
        return true;
    MESSAGE("no services database on this host (/etc/services): service names not compared");
    return false;
}

//! getaddrinfo(node, service) with these hints from glibc and from ksock:
//! the same code, and the same results in the same order.
void compare_getaddrinfo(const char* node, const char* service, int flags, int family, int socktype,
                         int protocol) {
    ::addrinfo gh{};
    gh.ai_flags = flags;
    gh.ai_family = family;
    gh.ai_socktype = socktype;
    gh.ai_protocol = protocol;
    kp::addrinfo kh{};
    kh.ai_flags = flags;
    kh.ai_family = family;
    kh.ai_socktype = socktype;
    kh.ai_protocol = protocol;
    ::addrinfo* gres = nullptr;
    kp::addrinfo* kres = nullptr;
    const int gr = ::getaddrinfo(node, service, &gh, &gres);
    const int kr = kp::bsd::getaddrinfo(node, service, &kh, &kres);
    CHECK(kr == gr);
    if (gr == 0 && kr == 0) {
        const ::addrinfo* g = gres;
        const kp::addrinfo* k = kres;
        for (; g && k; g = g->ai_next, k = k->ai_next) {
            CHECK(k->ai_flags == g->ai_flags);
            CHECK(k->ai_family == g->ai_family);
            CHECK(k->ai_socktype == g->ai_socktype);
            CHECK(k->ai_protocol == g->ai_protocol);
            CHECK(k->ai_addrlen == g->ai_addrlen);
            CHECK(std::memcmp(k->ai_addr, g->ai_addr, g->ai_addrlen) == 0);
            CHECK((k->ai_canonname == nullptr) == (g->ai_canonname == nullptr));
            if (g->ai_canonname && k->ai_canonname)
                CHECK(std::string(k->ai_canonname) == g->ai_canonname);
        }
        CHECK((g == nullptr && k == nullptr));
    }
    if (gr == 0)
        ::freeaddrinfo(gres);
    if (kr == 0)
        kp::bsd::freeaddrinfo(kres);
}

} // namespace

TEST_CASE("posix text: inet_aton, inet_addr and inet_pton read what glibc reads") {
    for (const char* t : texts) {
        CAPTURE(std::string(t));
        ::in_addr g{};
        ksock::in_addr k{};
        const int gr = ::inet_aton(t, &g);
        CHECK(kp::bsd::inet_aton(t, &k) == gr);
        if (gr)
            CHECK(k.s_addr == g.s_addr);
        CHECK(kp::bsd::inet_addr(t) == ::inet_addr(t));
        ::in_addr gp{};
        ksock::in_addr kpa{};
        const int gpr = ::inet_pton(AF_INET, t, &gp);
        CHECK(kp::bsd::inet_pton(AF_INET, t, &kpa) == gpr);
        if (gpr == 1)
            CHECK(kpa.s_addr == gp.s_addr);
    }
}

TEST_CASE("posix text: inet_ntop writes what glibc writes, and fails where it fails") {
    const std::uint32_t addrs[] = {0, 0x7f000001, 0xc0000207, 0xffffffff, 0x0a000a64, 0x01020304};
    for (std::uint32_t a : addrs) {
        for (socklen_t size : {0u, 7u, 15u, 16u, 32u}) {
            CAPTURE(a);
            CAPTURE(size);
            ::in_addr g{htonl(a)};
            char gb[32] = {}, kb[32] = {};
            errno = 0;
            const char* gr = ::inet_ntop(AF_INET, &g, gb, size);
            const int ge = errno;
            errno = 0;
            const ksock::in_addr k{htonl(a)};
            const char* kr = kp::bsd::inet_ntop(AF_INET, &k, kb, size);
            CHECK((gr == nullptr) == (kr == nullptr));
            if (gr)
                CHECK(std::string(kb) == gb);
            else
                CHECK(errno == ge);
        }
    }
}

TEST_CASE("posix text: getaddrinfo agrees with glibc for numeric hosts and localhost") {
    const char* const nodes[] = {"127.0.0.1", "192.0.2.7", "127.1",     "0x7f.1",  "localhost",
                                 "LocalHost", nullptr,     "1.2.3.256", "1.2.3.4 "};
    // Services: glibc's strtoul and its int (a negative one is a name).
    const char* const services[] = {"7",
                                    "0",
                                    "65535",
                                    "65536",
                                    "echo7",
                                    "",
                                    nullptr,
                                    " 7",
                                    "+7",
                                    "-1",
                                    "-0",
                                    "7 ",
                                    "0x10",
                                    "-65529",
                                    "2147483648",
                                    "4294967296",
                                    "99999999999999999999999"};
    const int flag_sets[] = {0,
                             AI_PASSIVE,
                             AI_NUMERICHOST,
                             AI_NUMERICSERV,
                             AI_CANONNAME,
                             AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
                             0x40,
                             0x100,
                             0x800,
                             0x8000};
    const int socktypes[] = {0, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, 4, SOCK_SEQPACKET, 6};
    const int protocols[] = {0, IPPROTO_TCP, IPPROTO_UDP, 33, 132, 136, 255};
    const int families[] = {AF_INET, AF_UNSPEC, 99}; // 99: no family, refused before the service
    for (const char* node : nodes)
        for (const char* service : services)
            for (int flags : flag_sets)
                for (int socktype : socktypes)
                    for (int protocol : protocols)
                        for (int family : families) {
                            // glibc's AF_UNSPEC answers localhost with ::1 too;
                            // the stack has no IPv6: compare AF_UNSPEC only for
                            // what is IPv4 either way.
                            if (family == AF_UNSPEC &&
                                (node == nullptr || strcasecmp(node, "localhost") == 0))
                                continue;
                            // A name glibc does not find in /etc/hosts goes to
                            // DNS: compare those only where AI_NUMERICHOST
                            // stops glibc first.
                            ::in_addr unused{};
                            if (node && strcasecmp(node, "localhost") != 0 &&
                                !(flags & AI_NUMERICHOST) &&
                                !(::inet_aton(node, &unused) && !std::strchr(node, ' ')))
                                continue;
                            CAPTURE(std::string(node ? node : "(null)"));
                            CAPTURE(std::string(service ? service : "(null)"));
                            CAPTURE(flags);
                            CAPTURE(socktype);
                            CAPTURE(protocol);
                            CAPTURE(family);
                            compare_getaddrinfo(node, service, flags, family, socktype, protocol);
                        }
    CHECK(kp::addrinfo_blocks_free() == kp::addrinfo_blocks); // every error path left none
}

TEST_CASE("posix text: gai_strerror's messages are glibc's") {
    for (int code = -13; code <= 0; ++code) {
        CAPTURE(code);
        CHECK(std::string(kp::bsd::gai_strerror(code)) == ::gai_strerror(code));
    }
}

namespace {

// IPv6 text: every rule of RFC 4291 2.2 and where glibc draws its lines.
const char* const texts6[] = {"::",
                              "::1",
                              "1::",
                              "1::1",
                              ":",
                              ":::",
                              ":1",
                              "1:",
                              ":1::",
                              "1:::2",
                              "1::2::3",
                              "::1:",
                              "1:2:3:4:5:6:7:8",
                              "1:2:3:4:5:6:7:8:9",
                              "1:2:3:4:5:6:7",
                              "1:2:3:4:5:6:7::",
                              "::2:3:4:5:6:7:8",
                              "1:2:3:4:5:6:7:8::",
                              "::1:2:3:4:5:6:7:8",
                              "1:2:3:4::5:6:7:8",
                              "1:2:3::5:6:7:8",
                              "2001:db8::ff00:42:8329",
                              "2001:DB8::FF00:42:8329",
                              "2001:0db8:0000:0000:0000:ff00:0042:8329",
                              "02001:db8::1",
                              "fffff::",
                              "ffff::",
                              "12345::",
                              "0::0",
                              "0000:0000::",
                              "g::",
                              "::g",
                              "1 ::",
                              ":: ",
                              "::1 ",
                              "::ffff:192.0.2.7",
                              "::ffff:192.0.2.07",
                              "::ffff:192.0.2.256",
                              "::ffff:192.0.2",
                              "::ffff:192.0.2.7.1",
                              "::192.0.2.7",
                              "1.2.3.4",
                              "::1.2.3.4:1",
                              "1:2:3:4:5:6:1.2.3.4",
                              "1:2:3:4:5:6:7:1.2.3.4",
                              "1:2:3:4:5::1.2.3.4",
                              "1:2:3:4:5:6::1.2.3.4",
                              "::a.2.3.4",
                              "::12.3.4.5",
                              "::1234.3.4.5",
                              "::0.0.0.0",
                              "::ffff:0.0.0.0",
                              "fe80::1%eth0",
                              "[::1]",
                              "",
                              "::0x1",
                              "1::2:",
                              "::ffff:1.2.3.4:",
                              "::.1.2.3",
                              "::1.2.3.",
                              "64:ff9b::192.0.2.33"};

//! A 16-byte address from the seed's bits: zero groups, ffff and small
//! values in every place, so runs of zeros come in every length and spot.
void address_of(std::uint32_t seed, unsigned char (&a)[16]) {
    for (int i = 0; i < 8; ++i) {
        const unsigned pick = seed >> (2 * i) & 3;
        const unsigned w = pick == 0 ? 0 : pick == 1 ? 0xffff : pick == 2 ? 1u + i : 0xab00u + i;
        a[2 * i] = static_cast<unsigned char>(w >> 8);
        a[2 * i + 1] = static_cast<unsigned char>(w);
    }
}

} // namespace

TEST_CASE("posix text: inet_pton(AF_INET6) reads what glibc reads") {
    for (const char* t : texts6) {
        CAPTURE(std::string(t));
        ::in6_addr g{};
        kp::in6_addr k{};
        const int gr = ::inet_pton(AF_INET6, t, &g);
        CHECK(kp::bsd::inet_pton(AF_INET6, t, &k) == gr);
        if (gr == 1)
            CHECK(std::memcmp(k.in6_u.u6_addr8, g.s6_addr, 16) == 0);
    }
    // And every text glibc writes, read back.
    for (std::uint32_t seed = 0; seed < 65536; seed += 7) {
        unsigned char a[16];
        address_of(seed, a);
        char text[INET6_ADDRSTRLEN];
        REQUIRE(::inet_ntop(AF_INET6, a, text, sizeof text) != nullptr);
        CAPTURE(std::string(text));
        kp::in6_addr k{};
        CHECK(kp::bsd::inet_pton(AF_INET6, text, &k) == 1);
        CHECK(std::memcmp(k.in6_u.u6_addr8, a, 16) == 0);
    }
    // Random text over the alphabet of the form, biased to colons and short
    // groups so that valid addresses and near misses both come often.
    std::uint32_t lcg = 12345;
    const auto next = [&lcg](std::uint32_t bound) {
        lcg = lcg * 1664525u + 1013904223u;
        return (lcg >> 8) % bound;
    };
    const char alphabet[] = "::::::0000111fFa9.....2345g ";
    int valid = 0;
    for (int round = 0; round < 200000; ++round) {
        char t[48] = {};
        const std::uint32_t len = next(sizeof t - 1);
        for (std::uint32_t i = 0; i < len; ++i)
            t[i] = alphabet[next(sizeof alphabet - 1)];
        ::in6_addr g{};
        kp::in6_addr k{};
        const int gr = ::inet_pton(AF_INET6, t, &g);
        const int kr = kp::bsd::inet_pton(AF_INET6, t, &k);
        valid += gr == 1;
        if (kr != gr || (gr == 1 && std::memcmp(k.in6_u.u6_addr8, g.s6_addr, 16) != 0)) {
            CAPTURE(std::string(t));
            CHECK(kr == gr);
            CHECK(std::memcmp(k.in6_u.u6_addr8, g.s6_addr, 16) == 0);
        }
    }
    CHECK(valid > 1000); // glibc reads 1087 of them: the draw reaches valid text
    errno = 0;
    kp::in6_addr k{};
    CHECK(kp::bsd::inet_pton(99, "::1", &k) == -1);
    CHECK(errno == EAFNOSUPPORT);
}

TEST_CASE("posix text: inet_ntop(AF_INET6) writes what glibc writes, and fails where it fails") {
    std::vector<std::vector<unsigned char>> addrs;
    for (std::uint32_t seed = 0; seed < 65536; ++seed) {
        unsigned char a[16];
        address_of(seed, a);
        addrs.emplace_back(a, a + 16);
    }
    for (std::uint32_t v4 : {0u, 1u, 0x0000ffffu, 0x00010000u, 0xc0000207u, 0xffffffffu})
        for (unsigned w5 : {0u, 0xffffu, 0xfffeu}) {
            unsigned char a[16] = {};
            a[10] = static_cast<unsigned char>(w5 >> 8);
            a[11] = static_cast<unsigned char>(w5);
            for (int i = 0; i < 4; ++i)
                a[12 + i] = static_cast<unsigned char>(v4 >> (24 - 8 * i));
            addrs.emplace_back(a, a + 16);
        }
    for (const auto& a : addrs) {
        ::in6_addr g{};
        kp::in6_addr k{};
        std::memcpy(g.s6_addr, a.data(), 16);
        std::memcpy(k.in6_u.u6_addr8, a.data(), 16);
        char gb[64] = {}, kb[64] = {};
        const char* gr = ::inet_ntop(AF_INET6, &g, gb, sizeof gb);
        REQUIRE(gr != nullptr);
        const char* kr = kp::bsd::inet_ntop(AF_INET6, &k, kb, sizeof kb);
        CAPTURE(std::string(gb));
        REQUIRE(kr == kb);
        CHECK(std::string(kb) == gb);
        // One byte short of the text and its NUL: ENOSPC from both.
        const auto need = static_cast<socklen_t>(std::strlen(gb) + 1);
        errno = 0;
        CHECK(::inet_ntop(AF_INET6, &g, gb, need - 1) == nullptr);
        const int ge = errno;
        errno = 0;
        CHECK(kp::bsd::inet_ntop(AF_INET6, &k, kb, need - 1) == nullptr);
        CHECK(errno == ge);
        CHECK(kp::bsd::inet_ntop(AF_INET6, &k, kb, need) == kb);
    }
}

TEST_CASE("posix text: getaddrinfo's service names are glibc's, from /etc/services") {
    if (!host_has_services())
        return;
    std::vector<const char*> names = {"no-such-service", "ECHO", "Echo", "-1", "tcp", "ddp"};
    for (const kp::service_entry& e : kp::detail::default_services) {
        names.push_back(e.name);
        for (const char* const* a = kp::detail::aliases_of(e); *a; ++a)
            names.push_back(*a);
    }
    const int flag_sets[] = {0, AI_NUMERICSERV, AI_PASSIVE, AI_CANONNAME | AI_NUMERICHOST};
    const int socktypes[] = {0, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, 4, SOCK_SEQPACKET, 6};
    const int protocols[] = {0, IPPROTO_TCP, IPPROTO_UDP, 33, 132, 136, 255};
    for (const char* node :
         {"127.0.0.1", "localhost", "1.2.3.256", static_cast<const char*>(nullptr)})
        for (const char* service : names)
            for (int flags : flag_sets)
                for (int socktype : socktypes)
                    for (int protocol : protocols) {
                        if (node && std::strcmp(node, "1.2.3.256") == 0 &&
                            !(flags & AI_NUMERICHOST))
                            continue; // glibc would ask DNS
                        CAPTURE(std::string(node ? node : "(null)"));
                        CAPTURE(std::string(service));
                        CAPTURE(flags);
                        CAPTURE(socktype);
                        CAPTURE(protocol);
                        compare_getaddrinfo(node, service, flags, AF_INET, socktype, protocol);
                        // AF_UNSPEC where glibc's answer is IPv4 only (a numeric host).
                        if (node && std::strcmp(node, "127.0.0.1") == 0)
                            compare_getaddrinfo(node, service, flags, AF_UNSPEC, socktype,
                                                protocol);
                    }
    CHECK(kp::addrinfo_blocks_free() == kp::addrinfo_blocks);
}

namespace {

//! Two servents are the same line: name, aliases, port and protocol.
void compare_servent(const ::servent* g, const kp::servent* k) {
    REQUIRE((g == nullptr) == (k == nullptr));
    if (g == nullptr)
        return;
    CHECK(std::string(k->s_name) == g->s_name);
    CHECK(k->s_port == g->s_port);
    CHECK(std::string(k->s_proto) == g->s_proto);
    int i = 0;
    for (; g->s_aliases[i] && k->s_aliases[i]; ++i)
        CHECK(std::string(k->s_aliases[i]) == g->s_aliases[i]);
    CHECK((g->s_aliases[i] == nullptr && k->s_aliases[i] == nullptr));
}

const char* const protos[] = {nullptr, "tcp", "udp", "sctp", "TCP", ""};

} // namespace

TEST_CASE("posix text: getservbyname and getservbyport answer glibc's lines") {
    if (!host_has_services())
        return;
    std::vector<const char*> names = {"no-such-service", "ECHO", "7", "tcp"};
    std::vector<int> ports = {3, 8, 10, 60000};
    for (const kp::service_entry& e : kp::detail::default_services) {
        names.push_back(e.name);
        for (const char* const* a = kp::detail::aliases_of(e); *a; ++a)
            names.push_back(*a);
        ports.push_back(e.port);
    }
    for (const char* name : names)
        for (const char* proto : protos) {
            CAPTURE(std::string(name));
            CAPTURE(std::string(proto ? proto : "(null)"));
            compare_servent(::getservbyname(name, proto), kp::bsd::getservbyname(name, proto));
        }
    for (int port : ports)
        for (const char* proto : protos) {
            CAPTURE(port);
            CAPTURE(std::string(proto ? proto : "(null)"));
            const int net = htons(static_cast<std::uint16_t>(port));
            compare_servent(::getservbyport(net, proto), kp::bsd::getservbyport(net, proto));
        }
    // A port in host byte order is another port (7 is 1792 on a little-endian host).
    compare_servent(::getservbyport(7, "tcp"), kp::bsd::getservbyport(7, "tcp"));
}

#endif
