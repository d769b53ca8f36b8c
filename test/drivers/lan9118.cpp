// test/drivers/lan9118.cpp: the LAN9118 driver against a register model of
// the chip (lan9118_fake.hpp): the set-up QEMU's model and a board need,
// frames both ways with their bytes checked, busy when the TX FIFO lacks
// room, NAPI's budget and the interrupt's mask, the PHY's link as the
// carrier, a hostile chip's statuses counted and drained; then the driver
// as a stack's device answering ARP and ping.
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/drivers/lan9118.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>

#include "drivers/lan9118_fake.hpp"
#include "support/static_require.hpp"
#include "support/wire_frames.hpp"

namespace {

using ksock_test::fake_lan9118;
using ksock_test::fake_lan9118_bus;
using driver = ksock::drivers::lan9118<fake_lan9118_bus>;
namespace reg = ksock::drivers::lan9118_reg;

//! A receive sink that keeps each frame's bytes and counts the errors.
struct test_sink {
    std::vector<std::vector<unsigned char>> frames;
    int errors[6] = {};
    bool out_of_buffers = false;
    int dropped = 0;
    unsigned char buf[2048] = {};
    ksock::sk_buff skb{};

    ksock::sk_buff* alloc(std::size_t len) {
        if (out_of_buffers || len > sizeof buf) {
            ++dropped;
            return nullptr;
        }
        skb = ksock::sk_buff{};
        skb.head = buf;
        skb.cap = sizeof buf;
        skb.len = static_cast<std::uint32_t>(len);
        skb.msg_len = static_cast<std::uint32_t>(len);
        std::memset(buf, 0xee, sizeof buf);
        return &skb;
    }
    void receive(ksock::sk_buff* s) { frames.emplace_back(s->head, s->head + s->len); }
    void rx_error(ksock::netdev_rx_error k) { ++errors[static_cast<int>(k)]; }
    int error(ksock::netdev_rx_error k) const { return errors[static_cast<int>(k)]; }
};

std::vector<unsigned char> pattern(std::size_t n, unsigned seed) {
    std::vector<unsigned char> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<unsigned char>(seed + i * 7);
    return v;
}

//! A frame of \p bytes as the stack hands it: 14 bytes of hard header,
//! then the packet in a chain of chunks \p split bytes long.
ksock::netdev_frame make_frame(const std::vector<unsigned char>& bytes, std::size_t split,
                               std::vector<ksock::sk_buff>& skbs) {
    const std::size_t pkt = bytes.size() - 14;
    skbs.assign((pkt + split - 1) / split, ksock::sk_buff{});
    for (std::size_t i = 0; i < skbs.size(); ++i) {
        const std::size_t at = i * split;
        skbs[i].head = const_cast<unsigned char*>(bytes.data() + 14 + at);
        skbs[i].len = static_cast<std::uint32_t>(pkt - at < split ? pkt - at : split);
        skbs[i].cap = skbs[i].len;
        skbs[i].frag_next = i + 1 < skbs.size() ? &skbs[i + 1] : nullptr;
    }
    return {bytes.data(), 14, skbs.empty() ? nullptr : skbs.data(), pkt};
}

struct opened {
    fake_lan9118 chip;
    driver dev;
    opened() {
        fake_lan9118_bus::chip = &chip;
        dev.set_mac({0x02, 0x11, 0x22, 0x33, 0x44, 0x55});
        REQUIRE(dev.open() == 0);
    }
};

} // namespace

TEST_CASE("lan9118: the device as smsc911x presents it") {
    STATIC_REQUIRE(ksock::net_device<ksock::drivers::lan9118<>>);
    STATIC_REQUIRE(ksock::net_device<driver>);
    STATIC_REQUIRE(driver::type == 1);
    STATIC_REQUIRE(driver::mtu == 1500);
    STATIC_REQUIRE(driver::hard_header_len == 14);
    STATIC_REQUIRE(driver::tx_queue_len == 1000);
    STATIC_REQUIRE(driver::features == 0);
    // netdev_alloc_skb(dev, words * 4) on x86-64: a 60-byte frame (64
    // with its FCS) fits the small-head cache (576 + 256); a full frame
    // (1518: 380 words, + NET_SKB_PAD = 1584, aligned 1600) is a page
    // fragment with the shared info (320) and the sk_buff (256).
    STATIC_REQUIRE(driver::rx_truesize(60) == 832);
    STATIC_REQUIRE(driver::rx_truesize(1514) == 2176);
    // The board's bus is an address, no storage.
    STATIC_REQUIRE(std::is_empty_v<ksock::drivers::mmio32<0x40200000>>);
}

TEST_CASE("lan9118: open sets up the chip, the PHY and the MAC") {
    opened o;
    fake_lan9118& c = o.chip;
    CHECK(c.resets == 1);
    CHECK(c.addrl == 0x33221102u);
    CHECK(c.addrh == 0x5544u);
    // Unicast to its own address, broadcast, all multicast; not PRMS.
    CHECK(c.maccr == (reg::mac_cr_txen | reg::mac_cr_rxen | reg::mac_cr_mcpas | reg::mac_cr_fdpx));
    CHECK(c.bmcr == (reg::bmcr_anenable | reg::bmcr_anrestart));
    CHECK(c.advertise == 0x01e1);
    CHECK(c.phy_int_mask == 0x50);
    CHECK(c.txcfg == (reg::tx_cfg_tx_on | reg::tx_cfg_txsao));
    CHECK(c.irqcfg == (reg::irq_en | reg::irq_pol | reg::irq_type));
    CHECK((c.inten & reg::int_rsfl) != 0);
    CHECK((c.inten & reg::int_phy) != 0);
    CHECK(o.dev.carrier());
    CHECK_FALSE(c.irq_line());
    CHECK(c.misuse == 0);

    CHECK(o.dev.stop() == 0);
    CHECK(c.maccr == 0);
    CHECK(c.inten == 0);
    CHECK_FALSE(c.irq_line()); // disabled and low, not floating active-low
    CHECK_FALSE(o.dev.carrier());
}

TEST_CASE("lan9118: no chip, or no cable") {
    fake_lan9118 chip;
    fake_lan9118_bus::chip = &chip;
    chip.present = false;
    driver dev;
    CHECK(dev.open() == -ksock::enodev);
    chip.present = true;
    chip.link = false;
    CHECK(dev.open() == 0);
    CHECK_FALSE(dev.carrier());
    // Half duplex without a partner's full-duplex abilities.
    CHECK(chip.maccr == (reg::mac_cr_txen | reg::mac_cr_rxen | reg::mac_cr_mcpas));
}

TEST_CASE("lan9118: transmit writes the frame's bytes, busy without room") {
    opened o;
    fake_lan9118& c = o.chip;
    std::vector<ksock::sk_buff> skbs;
    std::size_t sent = 0;
    for (std::size_t len : {42u, 60u, 61u, 62u, 63u, 64u, 1514u}) {
        for (std::size_t split : {1u, 3u, 5u, 1500u}) {
            const auto bytes = pattern(len, static_cast<unsigned>(len + split));
            CHECK(o.dev.start_xmit(make_frame(bytes, split, skbs)) == ksock::netdev_tx::ok);
            REQUIRE(c.sent.size() == ++sent);
            CHECK(c.sent.back() == bytes);
        }
    }
    CHECK(c.sent_tags[1] == c.sent_tags[0] + 1);
    CHECK(o.dev.tx_frames == sent);

    // 61 bytes take two command words and 16 data words: 72 bytes.
    const auto bytes = pattern(61, 9);
    c.tx_free = 71;
    CHECK(o.dev.start_xmit(make_frame(bytes, 20, skbs)) == ksock::netdev_tx::busy);
    CHECK(c.sent.size() == sent); // nothing half-written
    CHECK(o.dev.tx_busy == 1);
    c.tx_free = 72;
    CHECK(o.dev.start_xmit(make_frame(bytes, 20, skbs)) == ksock::netdev_tx::ok);
    CHECK(c.sent.back() == bytes);
    CHECK(c.misuse == 0);

    // Their statuses are read back by the next poll.
    test_sink sink;
    CHECK(o.dev.poll(sink, 64) == 0);
    CHECK((c.read(reg::tx_fifo_inf) >> 16) == 0u);
    CHECK(o.dev.tx_errors == 0);
}

TEST_CASE("lan9118: the interrupt only masks and marks; poll keeps to its budget") {
    opened o;
    fake_lan9118& c = o.chip;
    const auto a = pattern(60, 1), b = pattern(1514, 2), d = pattern(15, 3);
    c.inject(a);
    c.inject(b);
    c.inject(d);
    CHECK(c.irq_line());
    o.dev.irq();
    CHECK_FALSE(c.irq_line());
    CHECK(c.inten == 0);
    CHECK(o.dev.ready());
    CHECK(c.rx_frames_queued() == 3); // the handler took nothing

    test_sink sink;
    CHECK(o.dev.poll(sink, 2) == 2);
    CHECK(sink.frames.size() == 2);
    CHECK(o.dev.ready()); // budget used up: more to take, still masked
    CHECK(c.inten == 0);
    CHECK(o.dev.poll(sink, 2) == 1);
    CHECK_FALSE(o.dev.ready());
    CHECK(c.inten != 0);
    REQUIRE(sink.frames.size() == 3);
    CHECK(sink.frames[0] == a);
    CHECK(sink.frames[1] == b);
    CHECK(sink.frames[2] == d);
    // Every word of each frame, FCS included, and not one more.
    CHECK(c.rx_words_read == (64 + 1518 + 3) / 4 + (19 + 3) / 4);
    CHECK(c.misuse == 0);
}

TEST_CASE("lan9118: bad frames are counted by kind and drained") {
    opened o;
    fake_lan9118& c = o.chip;
    test_sink sink;
    const auto good = pattern(100, 5);
    auto status = [](std::size_t len, std::uint32_t bits) {
        return static_cast<std::uint32_t>(len + 4) << 16 | bits;
    };
    c.inject(pattern(100, 6), status(100, reg::rx_sts_es | reg::rx_sts_crc_err), true);
    c.inject(good);
    c.inject(pattern(70, 7), status(70, reg::rx_sts_es | reg::rx_sts_length_err), true);
    c.inject(pattern(70, 8), status(70, reg::rx_sts_es), true);
    c.inject(pattern(2000, 9)); // longer than the MTU allows
    c.inject(pattern(10, 10));  // shorter than an Ethernet header
    c.inject(good);
    CHECK(o.dev.poll(sink, 64) == 7);
    CHECK(sink.error(ksock::netdev_rx_error::crc) == 1);
    CHECK(sink.error(ksock::netdev_rx_error::length) == 3);
    CHECK(sink.error(ksock::netdev_rx_error::frame) == 1);
    REQUIRE(sink.frames.size() == 2);
    CHECK(sink.frames[0] == good);
    CHECK(sink.frames[1] == good);
    CHECK(c.rx_frames_queued() == 0);
    CHECK(c.misuse == 0); // no word popped from an empty FIFO

    // No buffer in the stack: the frame is drained, the next one is whole.
    sink.out_of_buffers = true;
    c.inject(pattern(300, 11));
    CHECK(o.dev.poll(sink, 64) == 1);
    sink.out_of_buffers = false;
    c.inject(good);
    CHECK(o.dev.poll(sink, 64) == 1);
    CHECK(sink.dropped == 1);
    REQUIRE(sink.frames.size() == 3);
    CHECK(sink.frames[2] == good);

    // A status claiming more than the data FIFO holds: the FIFOs are
    // dumped, nothing is read past their end.
    c.inject(pattern(64, 12), status(1400, 0), true);
    c.inject(good);
    CHECK(o.dev.poll(sink, 64) == 1);
    CHECK(sink.error(ksock::netdev_rx_error::fifo) == 1);
    CHECK(c.dumps == 1);
    CHECK(o.dev.rx_dumps == 1);
    CHECK(c.rx_frames_queued() == 0);
    CHECK(c.misuse == 0);

    // Frames the full FIFO lost: RX_DROP's count, as missed.
    c.rx_drop_count = 3;
    c.intsts |= reg::int_rxdf;
    CHECK(o.dev.poll(sink, 64) == 0);
    CHECK(sink.error(ksock::netdev_rx_error::missed) == 3);
    CHECK(sink.frames.size() == 3);
}

TEST_CASE("lan9118: a chip saying anything is never believed past its FIFOs") {
    // Seeded statuses of every kind (lengths 0 to 16383, any error bits)
    // over data FIFOs of any fill: the driver never pops an empty FIFO,
    // hands up only frames of 14 to 1514 bytes, keeps to the budget.
    opened o;
    fake_lan9118& c = o.chip;
    test_sink sink;
    std::uint32_t seed = 0x9e3779b9u;
    auto next = [&] {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    int taken = 0;
    for (int round = 0; round < 2000; ++round) {
        const std::size_t len = next() % 1600;
        const std::uint32_t status =
            (next() % 5 == 0) ? (next() & 0x7fffffffu) : static_cast<std::uint32_t>(len + 4) << 16;
        c.inject(pattern(len, static_cast<unsigned>(round)), status, true);
        if (next() % 3 == 0) {
            const int budget = 1 + static_cast<int>(next() % 4);
            const int n = o.dev.poll(sink, budget);
            CHECK(n <= budget);
            taken += n;
        }
    }
    while (c.rx_frames_queued())
        taken += o.dev.poll(sink, 64);
    CHECK(c.misuse == 0);
    CHECK(taken > 0);
    CHECK(!sink.frames.empty());
    for (const auto& f : sink.frames)
        CHECK((f.size() >= 14 && f.size() <= 1514));
}

TEST_CASE("lan9118: the carrier follows the PHY's link") {
    opened o;
    test_sink sink;
    o.chip.set_link(false);
    CHECK(o.chip.irq_line());
    CHECK(o.dev.carrier()); // until the driver hears of it
    o.dev.poll(sink, 64);
    CHECK_FALSE(o.dev.carrier());
    o.chip.set_link(true);
    o.dev.poll(sink, 64);
    CHECK(o.dev.carrier());
    CHECK(o.chip.misuse == 0);
}

namespace {
struct board_config : ksock::default_config {
    using devices = ksock::type_list<ksock::drivers::loopback, driver>;
};
using board_stack = ksock::stack<board_config>;
constexpr int eth0 = board_stack::ifindex_of<driver>();
} // namespace

TEST_CASE("lan9118: a stack's device answers ARP and ping") {
    static fake_lan9118 chip;
    fake_lan9118_bus::chip = &chip;
    static board_stack s;
    const unsigned char ours[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    const unsigned char host[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
    const unsigned char bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    const unsigned char zero[6] = {};
    const std::uint32_t host_ip = ksock::cpu_to_be32(0xc0000201);  // 192.0.2.1
    const std::uint32_t board_ip = ksock::cpu_to_be32(0xc0000202); // 192.0.2.2
    ksock::inet::iproute::addr_add(s, eth0, ksock::inet::ipv4(192, 0, 2, 2), 24);
    REQUIRE(s.dev_open(eth0) == 0);
    CHECK(chip.addrl == 0x00000002u);
    CHECK(chip.addrh == 0x0200u);

    ksock_test::frame_buf f;
    ksock_test::eth_hdr(f, bcast, host, 0x0806);
    ksock_test::arp_pkt(f, 1, host, host_ip, zero, board_ip);
    chip.inject({f.b, f.b + f.n});
    s.advance(0);
    REQUIRE(chip.sent.size() == 1);
    const std::vector<unsigned char>& reply = chip.sent[0];
    REQUIRE(reply.size() >= 42);
    CHECK(std::memcmp(reply.data(), host, 6) == 0);
    CHECK(std::memcmp(reply.data() + 6, ours, 6) == 0);
    CHECK(reply[12] == 0x08);
    CHECK(reply[13] == 0x06);
    CHECK(reply[21] == 2); // ARPOP_REPLY
    CHECK(std::memcmp(reply.data() + 22, ours, 6) == 0);
    CHECK(std::memcmp(reply.data() + 28, &board_ip, 4) == 0);

    ksock_test::frame_buf p;
    ksock_test::eth_hdr(p, ours, host, 0x0800);
    ksock_test::ip_hdr(p, host_ip, board_ip, 1, 8 + 5);
    ksock_test::icmp_pkt(p, 8, 0, 0x4242, 1, "hello", 5);
    chip.inject({p.b, p.b + p.n});
    s.advance(0);
    REQUIRE(chip.sent.size() == 2);
    const std::vector<unsigned char>& echo = chip.sent[1];
    REQUIRE(echo.size() == p.n);
    CHECK(std::memcmp(echo.data(), host, 6) == 0);
    CHECK(echo[14 + 9] == 1);
    CHECK(std::memcmp(echo.data() + 26, &board_ip, 4) == 0);
    CHECK(std::memcmp(echo.data() + 30, &host_ip, 4) == 0);
    CHECK(echo[34] == 0);                                       // ICMP_ECHOREPLY
    CHECK(std::memcmp(echo.data() + 38, p.b + 38, 4 + 5) == 0); // id, seq, data
    const ksock::net_device_state* st = s.netdev(eth0);
    REQUIRE(st != nullptr);
    CHECK(st->stats.rx_packets == 2);
    CHECK(st->stats.tx_packets == 2);
    CHECK(st->stats.rx_errors == 0);
    CHECK(chip.misuse == 0);
}
