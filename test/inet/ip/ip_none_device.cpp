// test/inet/ip/ip_none_device.cpp: IPv4 over an IP-only device (ARPHRD_NONE,
// as a TUN: no hard header, no hardware address). Linux's such a device has
// no header_ops, so neigh output hands the packet to the device as it is:
// no ARP, no Ethernet header; received frames are classified by their
// version nibble, eth_type_trans never runs.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/config.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/inet/family.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/if_arp.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

namespace {

//! A TUN-like device: what it sends is kept (a few frames, their first
//! bytes and length); what the test puts in `rx` is received at the next poll.
struct none_dev {
    static constexpr const char* name = "tun0";
    static constexpr unsigned short type = ksock::arphrd_none;
    static constexpr unsigned mtu = 1500;
    static constexpr unsigned short hard_header_len = 0;
    static constexpr unsigned char addr_len = 0;
    static constexpr ksock::netdev_features_t features = 0;
    static constexpr unsigned tx_queue_len = 8;
    static constexpr std::uint32_t rx_truesize(std::size_t len) noexcept {
        return ksock::skb_truesize(static_cast<std::uint32_t>(len + 64));
    }

    struct frame {
        std::size_t len;
        unsigned char head[48];
    };
    frame sent[8] = {};
    std::size_t n_sent = 0;
    unsigned char rx[128] = {};
    std::size_t rx_len = 0;

    int open() noexcept { return 0; }
    int stop() noexcept { return 0; }
    bool carrier() const noexcept { return true; }
    const unsigned char* dev_addr() const noexcept { return nullptr; }
    ksock::netdev_tx start_xmit(const ksock::netdev_frame& f) noexcept {
        if (n_sent < 8) {
            sent[n_sent].len = f.len();
            f.copy_to(sent[n_sent].head, sizeof sent[n_sent].head);
        }
        ++n_sent;
        return ksock::netdev_tx::ok;
    }
    template <class Sink>
    int poll(Sink& sink, int budget) {
        if (!rx_len || budget < 1)
            return 0;
        if (ksock::sk_buff* skb = sink.alloc(rx_len)) {
            ksock::skb_store_bits(skb, 0, rx, rx_len);
            sink.receive(skb);
        }
        rx_len = 0;
        return 1;
    }
};

struct none_config : ksock::stack_config {
    using families = ksock::type_list<ksock::inet::inet_family>;
    using devices = ksock::type_list<ksock::drivers::loopback, none_dev>;
    static constexpr std::size_t max_fds = 8;
    static constexpr std::size_t max_sockets = 8;
    template <class Proto>
    static constexpr std::size_t proto_objects = 2;
    static constexpr std::size_t skbs = 24;
    static constexpr std::size_t skb_data_size = 512;
};

ksock::stack<none_config> s;
constexpr int tun = 2;
constexpr std::uint32_t local = ksock::inet::ipv4(192, 0, 2, 1);
constexpr std::uint32_t peer = ksock::inet::ipv4(192, 0, 2, 2);

ksock::sockaddr_in sin_of(std::uint32_t a, std::uint16_t port) {
    ksock::sockaddr_in x{};
    x.sin_family = ksock::af_inet;
    x.sin_port = ksock::cpu_to_be16(port);
    x.sin_addr.s_addr = a;
    return x;
}

//! A UDP datagram peer:9 -> local:7 of \p n bytes, as bare IPv4 in the
//! device's receive buffer (UDP checksum 0: none, allowed over IPv4).
void put_udp(none_dev& d, std::size_t n) {
    unsigned char* p = d.rx;
    std::memset(p, 0, 28 + n);
    p[0] = 0x45;
    p[2] = static_cast<unsigned char>((28 + n) >> 8);
    p[3] = static_cast<unsigned char>(28 + n);
    p[8] = 64;
    p[9] = 17;
    std::memcpy(p + 12, &peer, 4);
    std::memcpy(p + 16, &local, 4);
    std::uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    p[10] = static_cast<unsigned char>(~sum >> 8);
    p[11] = static_cast<unsigned char>(~sum);
    p[21] = 9;
    p[23] = 7;
    p[25] = static_cast<unsigned char>(8 + n);
    for (std::size_t i = 0; i < n; ++i)
        p[28 + i] = static_cast<unsigned char>('a' + i);
    d.rx_len = 28 + n;
}

} // namespace

TEST_CASE("ip: an ARPHRD_NONE device sends bare IPv4, without ARP, and receives it") {
    REQUIRE(ksock::inet::iproute::addr_add(s, tun, local, 24) == 0);
    REQUIRE(s.dev_open(tun) == 0);
    none_dev& d = s.device<none_dev>();
    const int fd = s.socket(ksock::af_inet, ksock::sock_dgram, 0);
    const auto me = sin_of(local, 7);
    const auto to = sin_of(peer, 9);
    REQUIRE(s.bind(fd, reinterpret_cast<const ksock::sockaddr*>(&me), sizeof me) == 0);

    // Out: the packet itself, at once (no neighbour to resolve first).
    REQUIRE(s.sendto(fd, "abc", 3, 0, reinterpret_cast<const ksock::sockaddr*>(&to), sizeof to) ==
            3);
    REQUIRE(d.n_sent == 1);
    CHECK(d.sent[0].len == 20 + 8 + 3);
    CHECK(d.sent[0].head[0] == 0x45);
    CHECK(std::memcmp(d.sent[0].head + 12, &local, 4) == 0);
    CHECK(std::memcmp(d.sent[0].head + 16, &peer, 4) == 0);
    CHECK(std::memcmp(d.sent[0].head + 28, "abc", 3) == 0);
    CHECK(ksock::inet::iproute::neigh_count(s) == 0);
    // Larger than the MTU: fragments, each a bare packet of at most 1500.
    static char big[2000];
    REQUIRE(s.sendto(fd, big, sizeof big, 0, reinterpret_cast<const ksock::sockaddr*>(&to),
                     sizeof to) == static_cast<long>(sizeof big));
    REQUIRE(d.n_sent == 3);
    CHECK(d.sent[1].len == 1500);
    CHECK(d.sent[2].len == 20 + 8 + sizeof big - 1480);
    CHECK(d.sent[1].head[0] == 0x45);
    CHECK(d.sent[2].head[0] == 0x45);

    // In: classified by its version nibble and delivered.
    put_udp(d, 5);
    s.advance(0);
    char got[16] = {};
    CHECK(s.recv(fd, got, sizeof got, ksock::msg_dontwait) == 5);
    CHECK(std::memcmp(got, "abcde", 5) == 0);
    // A version the stack has no family for (6: no IPv6 here) is the
    // device's rx_dropped, as __netif_receive_skb counts it.
    const auto dropped = s.netdev(tun)->stats.rx_dropped;
    put_udp(d, 5);
    d.rx[0] = 0x60;
    s.advance(0);
    CHECK(s.netdev(tun)->stats.rx_dropped == dropped + 1);
    CHECK(s.recv(fd, got, sizeof got, ksock::msg_dontwait) == -ksock::eagain);
    CHECK(s.netdev(tun)->stats.tx_packets == 3);
    CHECK(s.close(fd) == 0);
}
