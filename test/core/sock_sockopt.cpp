// SOL_SOCKET options (ksock/core/sock_getsockopt.hpp, sock_setsockopt.hpp).
// Expected values are what a Linux 6.18 x86-64 host (CONFIG_HZ=250) returned
// to the same calls; where ksock's HZ (1000) changes a number, the test says
// so.
#include <doctest/doctest.h>

#include "support/sockopt_fixture.hpp"

using namespace ksock;
using namespace ksock::inet;
using namespace sockopt_test;

static_assert(sock_min_sndbuf == 4608, "SOCK_MIN_SNDBUF of a 64-bit Linux");
static_assert(sock_min_rcvbuf == 2304, "SOCK_MIN_RCVBUF of a 64-bit Linux");

// Test cases whose expected values depend on the size of long (struct timeval
// of longs, MAX_SCHEDULE_TIMEOUT = LONG_MAX, unsigned long pacing rates) hold
// the x86-64 host's values; they are skipped where long is 32 bits (the
// Cortex-M builds), where ksock follows a 32-bit kernel instead.
static constexpr bool long_is_32_bit = sizeof(long) != 8;

TEST_CASE("sk_getsockopt: fresh TCP, UDP, raw and unix sockets") {
    tcp t;
    udp u;
    raw r1(ipproto_icmp);
    raw r255(ipproto_raw);
    unix_stream us;

    CHECK(geti(t, sol_socket, so_type) == ok(1));
    CHECK(geti(t, sol_socket, so_protocol) == ok(6));
    CHECK(geti(t, sol_socket, so_domain) == ok(2));
    CHECK(geti(t, sol_socket, so_sndbuf) == ok(16384));
    CHECK(geti(t, sol_socket, so_rcvbuf) == ok(131072));
    CHECK(geti(u, sol_socket, so_type) == ok(2));
    CHECK(geti(u, sol_socket, so_protocol) == ok(17));
    CHECK(geti(u, sol_socket, so_sndbuf) == ok(212992));
    CHECK(geti(u, sol_socket, so_rcvbuf) == ok(212992));
    CHECK(geti(r1, sol_socket, so_type) == ok(3));
    CHECK(geti(r1, sol_socket, so_protocol) == ok(1));
    CHECK(geti(r255, sol_socket, so_protocol) == ok(255));
    CHECK(geti(us, sol_socket, so_domain) == ok(1));
    CHECK(geti(us, sol_socket, so_protocol) == ok(0));

    for (int opt : {so_rcvlowat, so_sndlowat}) {
        CHECK(geti(t, sol_socket, opt) == ok(1));
        CHECK(geti(u, sol_socket, opt) == ok(1));
        CHECK(geti(r1, sol_socket, opt) == ok(1));
    }
    for (int opt : {so_reuseport, so_keepalive, so_broadcast, so_error, so_acceptconn, so_priority,
                    so_mark, so_debug, so_dontroute, so_oobinline, so_no_check, so_bsdcompat}) {
        CHECK(geti(t, sol_socket, opt) == ok(0));
        CHECK(geti(u, sol_socket, opt) == ok(0));
        CHECK(geti(r1, sol_socket, opt) == ok(0));
        CHECK(geti(us, sol_socket, opt) == ok(0));
    }
    // INET_PROTOSW_REUSE: raw sockets start with SO_REUSEADDR set.
    CHECK(geti(t, sol_socket, so_reuseaddr) == ok(0));
    CHECK(geti(r1, sol_socket, so_reuseaddr) == ok(1));
    CHECK(geti(t, sol_socket, so_peek_off) == ok(-1));
    CHECK(geti(u, sol_socket, so_peek_off) == ok(-1));
    CHECK(geti(us, sol_socket, so_peek_off) == ok(-1));
    CHECK(geti(r1, sol_socket, so_peek_off) == err(eopnotsupp));
    CHECK(geti(r255, sol_socket, so_peek_off) == err(eopnotsupp));
    CHECK(geti(t, sol_socket, so_incoming_cpu) == ok(-1));
    CHECK(geti(t, sol_socket, so_zerocopy) == ok(0));
}

TEST_CASE("sk_getsockopt: 6.18 restrictions of SO_PASSCRED, SO_PASSSEC, SO_TXREHASH") {
    tcp t;
    udp u;
    raw r(ipproto_icmp);
    unix_stream us;
    unix_stream ud(sock_dgram);
    for (int opt : {so_passcred, so_passsec}) {
        CHECK(geti(t, sol_socket, opt) == err(eopnotsupp));
        CHECK(geti(u, sol_socket, opt) == err(eopnotsupp));
        CHECK(geti(r, sol_socket, opt) == err(eopnotsupp));
        CHECK(set_int(t, sol_socket, opt, 1) == -eopnotsupp);
        CHECK(set_int(u, sol_socket, opt, 0) == -eopnotsupp);
        CHECK(geti(us, sol_socket, opt) == ok(0));
        CHECK(set_int(us, sol_socket, opt, 1) == 0);
        CHECK(geti(us, sol_socket, opt) == ok(1));
        CHECK(set_int(ud, sol_socket, opt, 1) == 0);
    }
    CHECK(geti(t, sol_socket, so_txrehash) == ok(1));
    CHECK(geti(u, sol_socket, so_txrehash) == err(eopnotsupp));
    CHECK(geti(r, sol_socket, so_txrehash) == err(eopnotsupp));
    CHECK(geti(us, sol_socket, so_txrehash) == err(eopnotsupp));
    CHECK(set_int(u, sol_socket, so_txrehash, 0) == -eopnotsupp);
    CHECK(set_int(t, sol_socket, so_txrehash, 0) == 0);
    CHECK(geti(t, sol_socket, so_txrehash) == ok(0));
    CHECK(set_int(t, sol_socket, so_txrehash, 2) == -einval);
    CHECK(set_int(t, sol_socket, so_txrehash, -1) == 0); // -1: the netns default
    CHECK(geti(t, sol_socket, so_txrehash) == ok(1));
}

TEST_CASE("sk_setsockopt: read-only and unknown options") {
    udp u;
    for (int opt : {so_type, so_protocol, so_domain, so_error, so_acceptconn, so_sndlowat, 9999})
        CHECK(set_int(u, sol_socket, opt, 1) == -enoprotoopt);
    CHECK(geti(u, sol_socket, 9999) == err(enoprotoopt));
    // The length is checked before the name, even for unknown names.
    int v = 1;
    CHECK(u.set(sol_socket, 9999, &v, 2) == -einval);
    CHECK(u.set(sol_socket, so_type, &v, 2) == -einval);
    CHECK(u.set(sol_socket, so_sndlowat, &v, 2) == -einval);
}

TEST_CASE("sk_setsockopt: SO_SNDBUF / SO_RCVBUF double, clamp and floor like Linux") {
    struct row {
        int set, snd, rcv, snd_force, rcv_force;
    };
    // net.core.wmem_max = rmem_max = 4194304 (the host's)
    const row rows[] = {
        {0, 4608, 2304, 4608, 2304},
        {1, 4608, 2304, 4608, 2304},
        {1000, 4608, 2304, 4608, 2304},
        {2303, 4608, 4606, 4608, 4606},
        {2304, 4608, 4608, 4608, 4608},
        {2305, 4610, 4610, 4610, 4610},
        {4608, 9216, 9216, 9216, 9216},
        {100000, 200000, 200000, 200000, 200000},
        {1 << 30, 8388608, 8388608, 2147483646, 2147483646},
        {INT_MAX, 8388608, 8388608, 2147483646, 2147483646},
        {-1, 8388608, 8388608, 4608, 2304}, // negative: huge as u32, clamped
        {-5, 8388608, 8388608, 4608, 2304},
        {INT_MIN, 8388608, 8388608, 4608, 2304},
    };
    for (const row& r : rows) {
        CAPTURE(r.set);
        tcp t;
        CHECK(set_int(t, sol_socket, so_sndbuf, r.set) == 0);
        CHECK(set_int(t, sol_socket, so_rcvbuf, r.set) == 0);
        CHECK(geti(t, sol_socket, so_sndbuf) == ok(r.snd));
        CHECK(geti(t, sol_socket, so_rcvbuf) == ok(r.rcv));
        CHECK(t.sk.sk_userlocks == (sock_sndbuf_lock | sock_rcvbuf_lock));
        udp u;
        CHECK(set_int(u, sol_socket, so_sndbufforce, r.set) == 0);
        CHECK(set_int(u, sol_socket, so_rcvbufforce, r.set) == 0);
        CHECK(geti(u, sol_socket, so_sndbuf) == ok(r.snd_force));
        CHECK(geti(u, sol_socket, so_rcvbuf) == ok(r.rcv_force));
        // UDP re-derives its forward threshold from the new receive buffer.
        CHECK(u.up.forward_threshold == r.rcv_force >> 2);
    }
}

TEST_CASE("sk_setsockopt: the FORCE variants need CAP_NET_ADMIN") {
    udp u;
    CHECK(set_int(u, sol_socket, so_sndbufforce, 100000, nobody) == -eperm);
    CHECK(set_int(u, sol_socket, so_rcvbufforce, 100000, nobody) == -eperm);
    CHECK(geti(u, sol_socket, so_rcvbuf) == ok(212992));
    CHECK(u.sk.sk_userlocks == 0);
    CHECK(u.up.forward_threshold == 212992 >> 2);
    CHECK(set_int(u, sol_socket, so_rcvbuf, 100000, nobody) == 0);
    CHECK(u.up.forward_threshold == 200000 >> 2);
}

TEST_CASE("sk_setsockopt: SO_RCVLOWAT") {
    SUBCASE("generic (UDP): 0 is 1, negative is INT_MAX, no cap") {
        const int in[] = {0, 1, 5, -1, 100000, 1 << 30, INT_MAX};
        const int out[] = {1, 1, 5, INT_MAX, 100000, 1 << 30, INT_MAX};
        for (int i = 0; i < 7; ++i) {
            udp u;
            CHECK(set_int(u, sol_socket, so_rcvlowat, in[i]) == 0);
            CHECK(geti(u, sol_socket, so_rcvlowat) == ok(out[i]));
            CHECK(geti(u, sol_socket, so_rcvbuf) == ok(212992));
        }
    }
    SUBCASE("TCP: tcp_set_rcvlowat caps at tcp_rmem[2]/2 and grows sk_rcvbuf") {
        struct row {
            int set, lowat, rcvbuf;
        };
        const row rows[] = {{0, 1, 131072},
                            {5, 5, 131072},
                            {-1, 16777216, 33554432},
                            {100000, 100000, 200000},
                            {1 << 30, 16777216, 33554432}};
        for (const row& r : rows) {
            CAPTURE(r.set);
            tcp t;
            CHECK(set_int(t, sol_socket, so_rcvlowat, r.set) == 0);
            CHECK(geti(t, sol_socket, so_rcvlowat) == ok(r.lowat));
            CHECK(geti(t, sol_socket, so_rcvbuf) == ok(r.rcvbuf));
        }
    }
    SUBCASE("TCP with a user-set receive buffer: capped at half of it, buffer kept") {
        tcp t;
        CHECK(set_int(t, sol_socket, so_rcvbuf, 10000) == 0);
        CHECK(set_int(t, sol_socket, so_rcvlowat, 1 << 30) == 0);
        CHECK(geti(t, sol_socket, so_rcvlowat) == ok(10000));
        CHECK(geti(t, sol_socket, so_rcvbuf) == ok(20000));
    }
}

namespace {
sock_timeval get_timeo(udp& u, int name, socklen_t* len = nullptr) {
    sock_timeval tv{-9, -9};
    socklen_t l = sizeof(tv);
    REQUIRE(u.get(sol_socket, name, &tv, &l) == 0);
    if (len)
        *len = l;
    return tv;
}
int set_timeo(udp& u, int name, long sec, long usec) {
    if (name == so_rcvtimeo_old || name == so_sndtimeo_old) {
        const ksock::timeval tv{sec, usec};
        return u.set(sol_socket, name, &tv, sizeof(tv));
    }
    const sock_timeval tv{sec, usec};
    return u.set(sol_socket, name, &tv, sizeof(tv));
}
} // namespace

TEST_CASE("sk_setsockopt: SO_RCVTIMEO / SO_SNDTIMEO, old and new layouts" *
          doctest::skip(long_is_32_bit)) {
    for (int name : {so_rcvtimeo_old, so_sndtimeo_old, so_rcvtimeo_new, so_sndtimeo_new}) {
        CAPTURE(name);
        udp u;
        socklen_t len = 0;
        sock_timeval tv = get_timeo(u, name, &len);
        CHECK(tv.tv_sec == 0); // MAX_SCHEDULE_TIMEOUT reads as 0/0
        CHECK(tv.tv_usec == 0);
        CHECK(len == 16);

        CHECK(set_timeo(u, name, 1, 500000) == 0);
        tv = get_timeo(u, name);
        CHECK(tv.tv_sec == 1);
        CHECK(tv.tv_usec == 500000);

        CHECK(set_timeo(u, name, 0, 999999) == 0); // rounds up to the next jiffy
        tv = get_timeo(u, name);
        CHECK(tv.tv_sec == 1);
        CHECK(tv.tv_usec == 0);

        // usec out of range: EDOM, nothing changes.
        CHECK(set_timeo(u, name, 0, 1000000) == -edom);
        CHECK(set_timeo(u, name, 0, -1) == -edom);
        CHECK(set_timeo(u, name, -1, 1000000) == -edom);
        CHECK(get_timeo(u, name).tv_sec == 1);

        // Negative seconds: accepted, "do not wait" (0, not forever).
        CHECK(set_timeo(u, name, -5, 5) == 0);
        const long& timeo = (name == so_rcvtimeo_old || name == so_rcvtimeo_new) ? u.sk.sk_rcvtimeo
                                                                                 : u.sk.sk_sndtimeo;
        CHECK(timeo == 0);
        CHECK(get_timeo(u, name).tv_sec == 0);

        // 0/0 is forever.
        CHECK(set_timeo(u, name, 0, 0) == 0);
        CHECK(timeo == max_schedule_timeout);

        CHECK(set_timeo(u, name, 1000, 0) == 0);
        CHECK(get_timeo(u, name).tv_sec == 1000);

        // Rounding to jiffies: 1 us is one jiffy. The host (HZ=250) reads
        // back 4000 us for {0,1} and {3,8000} for {3,4001}; ksock's HZ=1000
        // gives 1000 us and {3,5000}.
        CHECK(set_timeo(u, name, 0, 1) == 0);
        CHECK(get_timeo(u, name).tv_usec == 1000000 / hz);
        CHECK(set_timeo(u, name, 3, 4001) == 0);
        tv = get_timeo(u, name);
        CHECK(tv.tv_sec == 3);
        CHECK(tv.tv_usec == 5000);

        // The largest finite timeout, then the first that means forever
        // (host: LONG_MAX/250 - 2 and - 1).
        CHECK(set_timeo(u, name, LONG_MAX / hz - 2, 0) == 0);
        CHECK(get_timeo(u, name).tv_sec == LONG_MAX / hz - 2);
        CHECK(set_timeo(u, name, LONG_MAX / hz - 1, 0) == 0);
        CHECK(timeo == max_schedule_timeout);
        CHECK(set_timeo(u, name, LONG_MAX, 999999) == 0);
        CHECK(timeo == max_schedule_timeout);
    }
}

TEST_CASE("sk_setsockopt: timeout lengths" * doctest::skip(long_is_32_bit)) {
    udp u;
    const ksock::timeval tv{2, 0};
    const sock_timeval ntv{2, 0};
    unsigned char buf[24] = {};
    std::memcpy(buf, &tv, sizeof(tv));
    for (socklen_t l : {0u, 4u, 8u, 12u})
        CHECK(u.set(sol_socket, so_rcvtimeo_old, buf, l) == -einval);
    for (socklen_t l : {16u, 20u, 24u})
        CHECK(u.set(sol_socket, so_rcvtimeo_old, buf, l) == 0);
    std::memcpy(buf, &ntv, sizeof(ntv));
    for (socklen_t l : {0u, 4u, 8u, 12u})
        CHECK(u.set(sol_socket, so_rcvtimeo_new, buf, l) == -einval);
    CHECK(u.set(sol_socket, so_rcvtimeo_new, buf, 16) == 0);

    // get: truncated to the buffer, never longer than the struct.
    for (int gl : {0, 4, 8, 12, 16, 20, 24}) {
        unsigned char out[32];
        std::memset(out, 0xAA, sizeof(out));
        socklen_t l = static_cast<socklen_t>(gl);
        CHECK(u.get(sol_socket, so_rcvtimeo_old, out, &l) == 0);
        CHECK(l == static_cast<socklen_t>(gl < 16 ? gl : 16));
        CHECK(out[0] == (gl > 0 ? 2 : 0xAA));
        CHECK(out[16] == 0xAA);
    }
}

TEST_CASE("sk_setsockopt: SO_LINGER" * doctest::skip(long_is_32_bit)) {
    udp u;
    auto set = [&](int on, int secs, socklen_t l = sizeof(linger)) {
        const linger lg{on, secs};
        return u.set(sol_socket, so_linger, &lg, l);
    };
    auto get = [&] {
        linger lg{-9, -9};
        socklen_t l = sizeof(lg);
        REQUIRE(u.get(sol_socket, so_linger, &lg, &l) == 0);
        CHECK(l == 8);
        return lg;
    };
    CHECK(get().l_onoff == 0);
    CHECK(set(1, 5) == 0);
    CHECK(get().l_onoff == 1);
    CHECK(get().l_linger == 5);
    CHECK(set(0, 5) == 0); // off keeps the time
    CHECK(get().l_onoff == 0);
    CHECK(get().l_linger == 5);
    CHECK(set(7, 3) == 0); // any non-zero l_onoff is on
    CHECK(get().l_onoff == 1);
    CHECK(get().l_linger == 3);
    CHECK(set(1, INT_MAX) == 0);
    CHECK(get().l_linger == INT_MAX);
    // Negative: forever (MAX_SCHEDULE_TIMEOUT), which reads back as
    // LONG_MAX / HZ cut to an int (-1752346657 on the HZ=250 host).
    CHECK(set(1, -1) == 0);
    CHECK(u.sk.sk_lingertime == max_schedule_timeout);
    CHECK(get().l_linger == static_cast<int>(LONG_MAX / hz));
    // Short option: EINVAL, from 0 to 7 bytes.
    for (socklen_t l : {0u, 2u, 4u, 6u})
        CHECK(set(1, 9, l) == -einval);
    CHECK(set(1, 9, 12) == 0);
    // A 4-byte get returns only l_onoff.
    linger lg{-9, -9};
    socklen_t l = 4;
    CHECK(u.get(sol_socket, so_linger, &lg, &l) == 0);
    CHECK(l == 4);
    CHECK(lg.l_onoff == 1);
    CHECK(lg.l_linger == -9);
}

TEST_CASE("sk_getsockopt: optlen and user-pointer semantics") {
    udp u;
    unsigned char buf[16];
    auto get_type = [&](int len) {
        std::memset(buf, 0xAA, sizeof(buf));
        socklen_t l = static_cast<socklen_t>(len);
        const int rc = u.get(sol_socket, so_type, buf, &l);
        return std::pair<int, int>{rc, static_cast<int>(l)};
    };
    CHECK(get_type(-1) == std::pair{-einval, -1});
    CHECK(buf[0] == 0xAA);
    CHECK(get_type(0) == std::pair{0, 0});
    CHECK(buf[0] == 0xAA);
    CHECK(get_type(1) == std::pair{0, 1});
    CHECK(buf[0] == 2);
    CHECK(buf[1] == 0xAA);
    CHECK(get_type(3) == std::pair{0, 3});
    CHECK(buf[3] == 0xAA);
    CHECK(get_type(4) == std::pair{0, 4});
    CHECK(get_type(100) == std::pair{0, 4});
    CHECK(buf[4] == 0xAA);
    // The length is read first: a negative one beats an unknown name.
    socklen_t l = static_cast<socklen_t>(-1);
    CHECK(u.get(sol_socket, 9999, buf, &l) == -einval);
    l = static_cast<socklen_t>(-1);
    CHECK(u.get(sol_socket, so_peek_off, buf, &l) == -einval);

    // Null pointers: a fault only when bytes would move through them.
    l = 4;
    CHECK(u.get(sol_socket, so_type, nullptr, &l) == -efault);
    l = 0;
    CHECK(u.get(sol_socket, so_type, nullptr, &l) == 0);
    CHECK(u.get(sol_socket, so_type, buf, nullptr) == -efault);
    CHECK(u.get(sol_socket, 9999, buf, nullptr) == -efault);
    CHECK(u.set(sol_socket, so_type, nullptr, 4) == -efault);
    CHECK(u.set(sol_socket, so_keepalive, nullptr, 4) == -efault);
    CHECK(u.set(sol_socket, so_keepalive, nullptr, 0) == -einval);

    // set: any optlen >= 4 is fine for an int option.
    int v = 1;
    for (socklen_t n = 0; n < 4; ++n)
        CHECK(u.set(sol_socket, so_keepalive, &v, n) == -einval);
    unsigned char big[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    for (socklen_t n = 4; n <= 8; ++n)
        CHECK(u.set(sol_socket, so_keepalive, big, n) == 0);
}

TEST_CASE("sk_setsockopt: boolean options read back as 0/1") {
    tcp t;
    udp u;
    raw r(ipproto_icmp);
    unix_stream us;
    for (int opt : {so_keepalive, so_no_check, so_reuseaddr, so_reuseport, so_broadcast,
                    so_dontroute, so_oobinline}) {
        CAPTURE(opt);
        CHECK(set_int(t, sol_socket, opt, 3) == 0);
        CHECK(geti(t, sol_socket, opt) == ok(1));
        CHECK(set_int(u, sol_socket, opt, -2) == 0);
        CHECK(geti(u, sol_socket, opt) == ok(1));
        CHECK(set_int(r, sol_socket, opt, 2) == 0);
        CHECK(geti(r, sol_socket, opt) == ok(1));
        CHECK(set_int(r, sol_socket, opt, 0) == 0);
        CHECK(geti(r, sol_socket, opt) == ok(0));
    }
    // SO_BSDCOMPAT: accepted and ignored.
    CHECK(set_int(u, sol_socket, so_bsdcompat, 1) == 0);
    CHECK(geti(u, sol_socket, so_bsdcompat) == ok(0));
    // SO_REUSEPORT exists only for INET sockets (turning it off is fine).
    CHECK(set_int(us, sol_socket, so_reuseport, 3) == -eopnotsupp);
    CHECK(set_int(us, sol_socket, so_reuseport, 0) == 0);
    CHECK(geti(us, sol_socket, so_reuseport) == ok(0));
    CHECK(set_int(us, sol_socket, so_reuseaddr, 3) == 0);
    CHECK(geti(us, sol_socket, so_reuseaddr) == ok(1));
}

TEST_CASE("sk_setsockopt: SO_PEEK_OFF needs the ops' set_peek_off") {
    tcp t;
    udp u;
    raw r(ipproto_icmp);
    unix_stream us;
    CHECK(set_int(t, sol_socket, so_peek_off, 5) == 0);
    CHECK(geti(t, sol_socket, so_peek_off) == ok(5));
    CHECK(set_int(u, sol_socket, so_peek_off, -7) == 0);
    CHECK(geti(u, sol_socket, so_peek_off) == ok(-7));
    CHECK(set_int(us, sol_socket, so_peek_off, 5) == 0);
    CHECK(geti(us, sol_socket, so_peek_off) == ok(5));
    CHECK(set_int(r, sol_socket, so_peek_off, 5) == -eopnotsupp);
    CHECK(r.sk.sk_peek_off == -1);
}

TEST_CASE("sk_setsockopt: privileged options") {
    udp u;
    SUBCASE("SO_PRIORITY: 0..6 for everyone, the rest needs CAP_NET_RAW/ADMIN") {
        CHECK(set_int(u, sol_socket, so_priority, 6, nobody) == 0);
        CHECK(geti(u, sol_socket, so_priority) == ok(6));
        CHECK(set_int(u, sol_socket, so_priority, 7, nobody) == -eperm);
        CHECK(set_int(u, sol_socket, so_priority, -1, nobody) == -eperm);
        CHECK(geti(u, sol_socket, so_priority) == ok(6));
        CHECK(set_int(u, sol_socket, so_priority, 7) == 0);
        CHECK(set_int(u, sol_socket, so_priority, -1) == 0);
        CHECK(geti(u, sol_socket, so_priority) == ok(-1));
        cred raw_only = nobody;
        raw_only.raise(cap_net_raw);
        CHECK(set_int(u, sol_socket, so_priority, 100, raw_only) == 0);
    }
    SUBCASE("SO_MARK: CAP_NET_RAW or CAP_NET_ADMIN, even for 0") {
        CHECK(set_int(u, sol_socket, so_mark, 42, nobody) == -eperm);
        CHECK(set_int(u, sol_socket, so_mark, 0, nobody) == -eperm);
        CHECK(set_int(u, sol_socket, so_mark, 42) == 0);
        CHECK(geti(u, sol_socket, so_mark) == ok(42));
        cred admin_only = nobody;
        admin_only.raise(cap_net_admin);
        CHECK(set_int(u, sol_socket, so_mark, 0, admin_only) == 0);
        CHECK(geti(u, sol_socket, so_mark) == ok(0));
    }
    SUBCASE("SO_DEBUG: turning it on needs CAP_NET_ADMIN, and the errno is EACCES") {
        CHECK(set_int(u, sol_socket, so_debug, 1, nobody) == -eacces);
        CHECK(set_int(u, sol_socket, so_debug, 0, nobody) == 0);
        CHECK(set_int(u, sol_socket, so_debug, 1) == 0);
        CHECK(geti(u, sol_socket, so_debug) == ok(1));
    }
}

TEST_CASE("sk_getsockopt: SO_ERROR reads and clears the pending error") {
    udp u;
    u.sk.sk_err = econnrefused;
    u.sk.sk_err_soft = 113; // EHOSTUNREACH
    CHECK(geti(u, sol_socket, so_error) == ok(econnrefused));
    CHECK(u.sk.sk_err == 0);
    CHECK(geti(u, sol_socket, so_error) == ok(113)); // then the soft error
    CHECK(geti(u, sol_socket, so_error) == ok(0));
}

TEST_CASE("sk_getsockopt: SO_ACCEPTCONN follows TCP_LISTEN") {
    tcp t;
    t.sk.sk_state() = tcp_listen;
    CHECK(geti(t, sol_socket, so_acceptconn) == ok(1));
}

TEST_CASE("sk_setsockopt: SO_KEEPALIVE and TCP's keepalive timer") {
    tcp t;
    CHECK(set_int(t, sol_socket, so_keepalive, 1) == 0);
    CHECK(sock_flag(t.sk, sock_keepopen));
    CHECK(t.sk.sk_timer.pending == 0); // closed: only the flag
    CHECK(set_int(t, sol_socket, so_keepalive, 0) == 0);

    t.sk.sk_state() = tcp_established;
    CHECK(set_int(t, sol_socket, so_keepalive, 1) == 0);
    CHECK(t.sk.sk_timer.pending == 1);
    CHECK(t.sk.sk_timer.expires == 7200UL * hz); // net.ipv4.tcp_keepalive_time
    CHECK(t.sk.sk_timer.function == ksock::inet::kf::tcp_keepalive_timer);
    CHECK(set_int(t, sol_socket, so_keepalive, 0) == 0);
    CHECK(t.sk.sk_timer.pending == 0);
    CHECK_FALSE(sock_flag(t.sk, sock_keepopen));

    udp u; // no sk_prot->keepalive: the flag only
    CHECK(set_int(u, sol_socket, so_keepalive, 1) == 0);
    CHECK(u.sk.sk_timer.pending == 0);
}

TEST_CASE("sk_getsockopt: SO_MAX_PACING_RATE is 64-bit when the buffer allows" *
          doctest::skip(long_is_32_bit)) {
    udp u;
    unsigned char b[16];
    std::memset(b, 0xAA, sizeof(b));
    socklen_t l = 16;
    CHECK(u.get(sol_socket, so_max_pacing_rate, b, &l) == 0);
    CHECK(l == 8);
    CHECK(b[7] == 0xff);
    CHECK(b[8] == 0xAA);
    l = 6; // too short for 64 bits: the saturated 32-bit value
    std::memset(b, 0xAA, sizeof(b));
    CHECK(u.get(sol_socket, so_max_pacing_rate, b, &l) == 0);
    CHECK(l == 4);
    CHECK(b[3] == 0xff);
    CHECK(b[4] == 0xAA);
    CHECK(set_int(u, sol_socket, so_max_pacing_rate, 1000) == 0);
    CHECK(geti(u, sol_socket, so_max_pacing_rate) == ok(1000));
    CHECK(u.sk.sk_pacing_rate == 1000);
    CHECK(set_int(u, sol_socket, so_max_pacing_rate, -1) == 0); // ~0U: unlimited
    CHECK(u.sk.sk_max_pacing_rate == ~0UL);
    const std::uint64_t big = 0x123456789ULL;
    CHECK(u.set(sol_socket, so_max_pacing_rate, &big, 8) == 0);
    CHECK(u.sk.sk_max_pacing_rate == 0x123456789ULL);
}

TEST_CASE("sk_setsockopt: SO_ZEROCOPY and SO_INCOMING_CPU") {
    tcp t;
    udp u;
    raw r(ipproto_icmp);
    unix_stream us;
    CHECK(set_int(t, sol_socket, so_zerocopy, 2) == -einval);
    CHECK(set_int(t, sol_socket, so_zerocopy, 1) == 0);
    CHECK(geti(t, sol_socket, so_zerocopy) == ok(1));
    CHECK(set_int(u, sol_socket, so_zerocopy, 1) == 0);
    CHECK(set_int(r, sol_socket, so_zerocopy, 1) == -eopnotsupp);
    CHECK(set_int(us, sol_socket, so_zerocopy, 2) == -eopnotsupp);
    CHECK(set_int(u, sol_socket, so_incoming_cpu, 3) == 0);
    CHECK(geti(u, sol_socket, so_incoming_cpu) == ok(3));
}
