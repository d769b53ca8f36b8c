// test/inet/ip/route.cpp: the routes of ksock's namespace (inet/ip/route.hpp),
// as a 6.18 host with only lo up answers them: the destination and source
// ip_route_output picks, lo's broadcast route, and the advertised MSS.
#include <doctest/doctest.h>

#include <ksock/inet/ip/route.hpp>
#include <ksock/uapi/byteorder.hpp>

#include "support/static_require.hpp"

using namespace ksock;
using namespace ksock::inet;

namespace {
constexpr std::uint32_t ip(std::uint32_t host_order) {
    return cpu_to_be32(host_order);
}
} // namespace

TEST_CASE("ip_route_output: 0.0.0.0 is the source, or 127.0.0.1 for a socket without one") {
    rtable rt{};
    CHECK(ip_route_output(0, 0, rt) == 0);
    CHECK(rt.daddr == ip(0x7f000001));
    CHECK(rt.saddr == ip(0x7f000001));
    CHECK(ip_route_output(0, ip(0x7f000005), rt) == 0);
    CHECK(rt.daddr == ip(0x7f000005));
    CHECK(rt.saddr == ip(0x7f000005));
    CHECK_FALSE(rt.broadcast);
}

TEST_CASE("ip_route_output: 127.255.255.255 is lo's broadcast route, from 127.0.0.1") {
    rtable rt{};
    CHECK(ip_route_output(ip(0x7fffffff), 0, rt) == 0);
    CHECK(rt.broadcast);
    CHECK(rt.saddr == ip(0x7f000001));
    CHECK(ip_route_output(ip(0x7f000002), 0, rt) == 0);
    CHECK_FALSE(rt.broadcast);
    CHECK(rt.daddr == ip(0x7f000002));
}

TEST_CASE("ip_route_output: no route but lo's: ENETUNREACH") {
    rtable rt{};
    CHECK(ip_route_output(ip(0x0a010203), 0, rt) == -enetunreach);
    CHECK(ip_route_output(ip(0xe0000001), 0, rt) == -enetunreach);
    CHECK(ip_route_output(ip(0xffffffff), 0, rt) == -enetunreach);
    CHECK(ip_route_output(ip(0x00ffffff), 0, rt) == -enetunreach);
}

TEST_CASE("ipv4_default_advmss: lo's 64 KiB MTU advertises 65495") {
    STATIC_REQUIRE(ipv4_default_advmss(lo_mtu) == 65495);
    STATIC_REQUIRE(ipv4_default_advmss(1500) == 1460);
}
