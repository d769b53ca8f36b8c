// SOL_RAW options (ksock/inet/raw_sockopt.hpp). Expected values: a Linux
// 6.18 host.
#include <cstdint>

#include <doctest/doctest.h>

#include "support/sockopt_fixture.hpp"

using namespace ksock;
using namespace ksock::inet;
using namespace sockopt_test;

TEST_CASE("raw_getsockopt: ICMP_FILTER exists only on IPPROTO_ICMP sockets") {
    raw r1(ipproto_icmp);
    raw r255(ipproto_raw);
    CHECK(geti(r1, sol_raw, icmp_filter_opt) == ok(0));
    CHECK(geti(r255, sol_raw, icmp_filter_opt) == err(eopnotsupp));
    CHECK(set_int(r255, sol_raw, icmp_filter_opt, 0xff) == -eopnotsupp);
    CHECK(geti(r1, sol_raw, 9999) == err(enoprotoopt));
    CHECK(geti(r255, sol_raw, 9999) == err(enoprotoopt));
    CHECK(set_int(r1, sol_raw, 9999, 1) == -enoprotoopt);
    CHECK(set_int(r255, sol_raw, 9999, 1) == -enoprotoopt);
    CHECK(set_int(r1, sol_raw, icmp_filter_opt, 0x1234ff) == 0);
    CHECK(geti(r1, sol_raw, icmp_filter_opt) == ok(0x1234ff));
    // Other levels go to IP.
    CHECK(geti(r255, sol_ip, ip_hdrincl) == ok(1));
}

TEST_CASE("raw_setsockopt: ICMP_FILTER takes up to 4 bytes, partial writes included") {
    raw r(ipproto_icmp);
    CHECK(set_int(r, sol_raw, icmp_filter_opt, 0x1234ff) == 0);
    const unsigned char two[2] = {0x55, 0x66};
    CHECK(r.set(sol_raw, icmp_filter_opt, two, 2) == 0); // only the first two bytes
    CHECK(geti(r, sol_raw, icmp_filter_opt) == ok(0x126655));
    CHECK(r.set(sol_raw, icmp_filter_opt, two, 0) == 0); // nothing at all
    CHECK(geti(r, sol_raw, icmp_filter_opt) == ok(0x126655));
    const std::uint64_t big = 0x1111111122222222ULL;
    CHECK(r.set(sol_raw, icmp_filter_opt, &big, 8) == 0); // cut to 4
    CHECK(geti(r, sol_raw, icmp_filter_opt) == ok(0x22222222));
    CHECK(r.set(sol_raw, icmp_filter_opt, nullptr, 0) == 0);
    CHECK(r.set(sol_raw, icmp_filter_opt, nullptr, 4) == -efault);

    for (int gl : {-1, 1, 3, 5, 7, 9}) {
        CAPTURE(gl);
        unsigned char b[8];
        std::memset(b, 0xAA, sizeof(b));
        socklen_t l = static_cast<socklen_t>(gl);
        const int rc = r.get(sol_raw, icmp_filter_opt, b, &l);
        if (gl < 0) {
            CHECK(rc == -einval);
            continue;
        }
        CHECK(rc == 0);
        CHECK(static_cast<int>(l) == (gl < 4 ? gl : 4));
        CHECK(b[0] == 0x22);
        CHECK(b[4] == 0xAA);
    }
}
