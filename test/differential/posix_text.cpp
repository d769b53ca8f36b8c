// test/differential/posix_text.cpp: ksock's inet_aton, inet_addr,
// inet_pton, inet_ntop, getaddrinfo and gai_strerror against glibc's, input
// for input: the same result, the same address, the same error.
#include <cerrno> // the C library's headers, for __GLIBC__

#include <doctest/doctest.h>

#if defined(__linux__) && defined(__GLIBC__)

#include <cstring>
#include <netdb.h>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ksock/posix/getaddrinfo.hpp>
#include <ksock/posix/inet_addr.hpp>

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
    const char* const nodes[] = {"127.0.0.1", "192.0.2.7", "127.1",     "0x7f.1",
                                 "localhost", nullptr,     "1.2.3.256", "1.2.3.4 "};
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
    const int families[] = {AF_INET, AF_UNSPEC};
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
                                (node == nullptr || std::strcmp(node, "localhost") == 0))
                                continue;
                            // A name glibc does not find in /etc/hosts goes to
                            // DNS: compare those only where AI_NUMERICHOST
                            // stops glibc first.
                            ::in_addr unused{};
                            if (node && std::strcmp(node, "localhost") != 0 &&
                                !(flags & AI_NUMERICHOST) &&
                                !(::inet_aton(node, &unused) && !std::strchr(node, ' ')))
                                continue;
                            CAPTURE(std::string(node ? node : "(null)"));
                            CAPTURE(std::string(service ? service : "(null)"));
                            CAPTURE(flags);
                            CAPTURE(socktype);
                            CAPTURE(protocol);
                            CAPTURE(family);
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
                                    CHECK(k->ai_family == g->ai_family);
                                    CHECK(k->ai_socktype == g->ai_socktype);
                                    CHECK(k->ai_protocol == g->ai_protocol);
                                    CHECK(k->ai_addrlen == g->ai_addrlen);
                                    CHECK(std::memcmp(k->ai_addr, g->ai_addr, g->ai_addrlen) == 0);
                                    CHECK((k->ai_canonname == nullptr) ==
                                          (g->ai_canonname == nullptr));
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
}

TEST_CASE("posix text: gai_strerror's messages are glibc's") {
    for (int code = -13; code <= 0; ++code) {
        CAPTURE(code);
        CHECK(std::string(kp::bsd::gai_strerror(code)) == ::gai_strerror(code));
    }
}

#endif
