// test/posix/services.cpp: getservbyname and getservbyport over the static
// services table (services.hpp), with the answers glibc gives from
// netbase's /etc/services (test/differential/posix_text.cpp compares them
// with the host's).
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/posix/services.hpp>
#include <ksock/uapi/byteorder.hpp>

namespace kp = ksock::posix;

TEST_CASE("getservbyname: a name or an alias, for a protocol or any") {
    const kp::servent* s = kp::bsd::getservbyname("www", "tcp");
    REQUIRE(s != nullptr);
    CHECK(std::strcmp(s->s_name, "http") == 0);
    CHECK(s->s_port == ksock::cpu_to_be16(80));
    CHECK(std::strcmp(s->s_proto, "tcp") == 0);
    REQUIRE(s->s_aliases[0] != nullptr);
    CHECK(std::strcmp(s->s_aliases[0], "www") == 0);
    CHECK(s->s_aliases[1] == nullptr);
    CHECK(kp::bsd::getservbyname("http", "udp") == nullptr);
    CHECK(kp::bsd::getservbyname("HTTP", nullptr) == nullptr); // case matters
    // Any protocol: the first line, TCP's for echo.
    s = kp::bsd::getservbyname("echo", nullptr);
    REQUIRE(s != nullptr);
    CHECK(std::strcmp(s->s_proto, "tcp") == 0);
    CHECK(s->s_aliases[0] == nullptr); // no aliases: an empty list, not null
    s = kp::bsd::getservbyname("ntp", nullptr);
    REQUIRE(s != nullptr);
    CHECK(s->s_port == ksock::cpu_to_be16(123));
    CHECK(std::strcmp(s->s_proto, "udp") == 0);
    // "syslog" is UDP 514, and the alias of TCP 514's "shell".
    s = kp::bsd::getservbyname("syslog", "tcp");
    REQUIRE(s != nullptr);
    CHECK(std::strcmp(s->s_name, "shell") == 0);
    CHECK(kp::bsd::getservbyname(nullptr, nullptr) == nullptr);
}

TEST_CASE("getservbyport: the port in network byte order, the first line") {
    const kp::servent* s = kp::bsd::getservbyport(ksock::cpu_to_be16(443), "udp");
    REQUIRE(s != nullptr);
    CHECK(std::strcmp(s->s_name, "https") == 0);
    CHECK(std::strcmp(s->s_proto, "udp") == 0);
    s = kp::bsd::getservbyport(ksock::cpu_to_be16(9), nullptr);
    REQUIRE(s != nullptr);
    CHECK(std::strcmp(s->s_name, "discard") == 0);
    CHECK(std::strcmp(s->s_aliases[0], "sink") == 0);
    CHECK(std::strcmp(s->s_aliases[1], "null") == 0);
    CHECK(s->s_aliases[2] == nullptr);
    CHECK(kp::bsd::getservbyport(ksock::cpu_to_be16(80), "udp") == nullptr);
    CHECK(kp::bsd::getservbyport(ksock::cpu_to_be16(3), nullptr) == nullptr);
    // 80 in host byte order is another port on a little-endian host.
    if (ksock::cpu_to_be16(80) != 80)
        CHECK(kp::bsd::getservbyport(80, nullptr) == nullptr);
}

TEST_CASE("set_services: the program's own table") {
    static const char* const aliases[] = {"telemetry", nullptr};
    static const kp::service_entry table[] = {{"sensor", 4000, "udp", aliases},
                                              {"sensor", 4001, "tcp", nullptr}};
    kp::set_services(table);
    const kp::servent* s = kp::bsd::getservbyname("telemetry", nullptr);
    REQUIRE(s != nullptr);
    CHECK(s->s_port == ksock::cpu_to_be16(4000));
    s = kp::bsd::getservbyname("sensor", "tcp");
    REQUIRE(s != nullptr);
    CHECK(s->s_port == ksock::cpu_to_be16(4001));
    CHECK(s->s_aliases[0] == nullptr);
    CHECK(kp::bsd::getservbyname("http", nullptr) == nullptr);
    kp::set_services(kp::detail::default_services);
    CHECK(kp::bsd::getservbyname("http", nullptr) != nullptr);
}
