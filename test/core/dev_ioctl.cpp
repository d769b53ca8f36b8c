// test/core/dev_ioctl.cpp: the private device requests of core/dev_ioctl.hpp:
// which requests are in the range, and how dev_ioctl reads the name. The
// values are those of a Linux 6.18 host.
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/core/dev_ioctl.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/drivers/loopback.hpp>

#include "support/static_require.hpp"

using namespace ksock;

namespace {

int private_request(const char* name, std::size_t n) {
    ifreq ifr;
    std::memset(&ifr, 0x5a, sizeof ifr);
    std::memcpy(ifr.ifr_ifrn.ifrn_name, name, n);
    return dev_ioctl_private(type_list<drivers::loopback>{}, ifr);
}

} // namespace

TEST_CASE("is_siocdevprivate: SIOCDEVPRIVATE to SIOCDEVPRIVATE + 15") {
    STATIC_REQUIRE(is_siocdevprivate(0x89f0));
    STATIC_REQUIRE(is_siocdevprivate(0x89ff));
    STATIC_REQUIRE(!is_siocdevprivate(0x89ef)); // SIOCPROTOPRIVATE + 15
    STATIC_REQUIRE(!is_siocdevprivate(0x8a00));
    STATIC_REQUIRE(!is_siocdevprivate(0));
    STATIC_REQUIRE(!is_siocdevprivate(~0UL));
}

TEST_CASE("get_user_ifreq: a pointer that cannot be read is EFAULT") {
    ifreq ifr;
    CHECK(get_user_ifreq(ifr, nullptr) == -efault);
    ifreq src{};
    std::memcpy(src.ifr_ifrn.ifrn_name, "lo", 3);
    CHECK(get_user_ifreq(ifr, &src) == 0);
    CHECK(std::strcmp(ifr.ifr_ifrn.ifrn_name, "lo") == 0);
}

namespace {
struct eth {
    static constexpr const char* name = "eth0";
};
} // namespace

TEST_CASE("dev_ioctl_private: a device answers EOPNOTSUPP, a name of none ENODEV") {
    ifreq ifr;
    std::memcpy(ifr.ifr_ifrn.ifrn_name, "eth0", 5);
    CHECK(dev_ioctl_private(type_list<drivers::loopback, eth>{}, ifr) == -eopnotsupp);
    std::memcpy(ifr.ifr_ifrn.ifrn_name, "eth0", 5);
    CHECK(dev_ioctl_private(type_list<drivers::loopback>{}, ifr) == -enodev);
    std::memcpy(ifr.ifr_ifrn.ifrn_name, "lo", 3);
    CHECK(dev_ioctl_private(type_list<>{}, ifr) == -enodev);
}

TEST_CASE("dev_ioctl_private: lo answers EOPNOTSUPP, any other name ENODEV") {
    CHECK(private_request("lo", 3) == -eopnotsupp);
    CHECK(private_request("lo:0", 5) == -eopnotsupp); // an alias is its device's
    CHECK(private_request(":lo", 4) == -enodev);
    CHECK(private_request("", 1) == -enodev);
    CHECK(private_request("lo ", 4) == -enodev);
    CHECK(private_request("eth0", 5) == -enodev);
    // Sixteen bytes without a NUL: the name ends at the fifteenth.
    CHECK(private_request("lo0123456789abcd", 16) == -enodev);
    CHECK(private_request("lo:123456789abcd", 16) == -eopnotsupp);
}
