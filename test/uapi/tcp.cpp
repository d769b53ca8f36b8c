// test/uapi/tcp.cpp: struct tcp_info as getsockopt(TCP_INFO) copies it out.
// uapi/tcp.hpp pins the layout with static_asserts on ksock's own struct,
// which no test can make fail; these checks state the same numbers, so the
// property is tested (and counted) with the values of Linux 6.18's
// include/uapi/linux/tcp.h.
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/uapi/tcp.hpp>

#include "support/static_require.hpp"

using ksock::tcp_info_t;

TEST_CASE("tcp_info_t: a trivially copyable standard-layout struct") {
    // copy_to_user of the whole struct needs both.
    STATIC_REQUIRE(std::is_standard_layout_v<tcp_info_t>);
    STATIC_REQUIRE(std::is_trivially_copyable_v<tcp_info_t>);
}

TEST_CASE("tcp_info_t: Linux 6.18's size, 280 bytes") {
    STATIC_REQUIRE(sizeof(tcp_info_t) == 280);
}

TEST_CASE("tcp_info_t: field offsets of Linux 6.18") {
    STATIC_REQUIRE(offsetof(tcp_info_t, tcpi_rto) == 8);
    STATIC_REQUIRE(offsetof(tcp_info_t, tcpi_pacing_rate) == 104);
    STATIC_REQUIRE(offsetof(tcp_info_t, tcpi_total_rto) == 240);
    STATIC_REQUIRE(offsetof(tcp_info_t, tcpi_received_ce) == 248);
    STATIC_REQUIRE(offsetof(tcp_info_t, tcpi_accecn_opt_seen) == 278);
}
