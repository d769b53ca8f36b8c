// test/fuzz/fuzz_frames.hpp: what the harnesses that drive a stack through
// an Ethernet device share (fuzz_wire.cpp, fuzz_tcp.cpp): the addresses of
// the scene (ksock at 192.0.2.2, the peer at 192.0.2.1), the check that
// aborts on a violation, the Internet checksum and the device whose
// receive ring is the harness's frame and whose every frame sent goes to
// the harness's judge.
//
// Included by one harness per executable: the counters and the judge's
// declaration live in an unnamed namespace, each harness defines
// check_out().
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <ksock/inet/iproute.hpp>
#include <ksock/ksock.hpp>

namespace {

constexpr unsigned char our_mac[6] = {0x02, 0, 0, 0, 0, 2};
constexpr unsigned char peer_mac[6] = {0x02, 0, 0, 0, 0, 1};
constexpr std::uint32_t our_ip = ksock::inet::ipv4(192, 0, 2, 2);
constexpr std::uint32_t peer_ip = ksock::inet::ipv4(192, 0, 2, 1);

//! Frames the device received, frames it refused to send (ring full).
unsigned long frames_in = 0, tx_busy = 0;

[[noreturn]] void fail(const char* what, const char* file, int line, long a, long b) {
    std::fprintf(stderr, "%s: %s (line %d: %ld, %ld)\n", file, what, line, a, b);
    std::abort();
}
//! Aborts the run, naming the condition and two values that tell why.
#define FUZZ_CHECK(c, a, b)                                                                        \
    do {                                                                                           \
        if (!(c))                                                                                  \
            fail(#c, __FILE__, __LINE__, static_cast<long>(a), static_cast<long>(b));              \
    } while (0)

// The harness's own byte loops are not the code under test: no coverage
// callbacks in them (they cost a run a third of its time).
#define FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))

//! The Internet checksum of \p n bytes (RFC 1071), from \p sum.
FUZZ_NO_COVERAGE inline std::uint16_t csum(const unsigned char* p, std::size_t n,
                                           std::uint32_t sum = 0) {
    for (std::size_t i = 0; i + 1 < n; i += 2)
        sum += static_cast<std::uint32_t>((p[i] << 8) | p[i + 1]);
    if (n & 1)
        sum += static_cast<std::uint32_t>(p[n - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
}
//! The pseudo-header's sum for a transport header of \p len bytes after
//! the IPv4 header \p ip.
FUZZ_NO_COVERAGE inline std::uint32_t pseudo(const unsigned char* ip, unsigned proto,
                                             std::size_t len) {
    std::uint32_t s = 0;
    for (int i = 12; i < 20; i += 2)
        s += static_cast<std::uint32_t>((ip[i] << 8) | ip[i + 1]);
    return s + proto + static_cast<std::uint32_t>(len);
}

//! The input, read a byte at a time; past its end every read is 0.
struct fuzz_reader {
    const std::uint8_t* p;
    std::size_t n;
    bool empty() const { return n == 0; }
    unsigned u8() {
        if (!n)
            return 0;
        --n;
        return *p++;
    }
    unsigned u16() { return u8() << 8 | u8(); }
};

//! A frame being built, big-endian fields appended; bytes past an
//! Ethernet frame's 1514 are dropped.
struct frame {
    unsigned char b[1514];
    std::size_t n = 0;
    void u8(unsigned v) {
        if (n < sizeof b)
            b[n++] = static_cast<unsigned char>(v);
    }
    void u16(unsigned v) {
        u8(v >> 8);
        u8(v);
    }
    //! \p v in network order from a host value.
    void u32(std::uint32_t v) {
        u16(v >> 16);
        u16(v & 0xffff);
    }
    //! \p net, already in network order (an address), as it lies in memory.
    void raw32(std::uint32_t net) {
        unsigned char x[4];
        std::memcpy(x, &net, 4);
        for (unsigned char c : x)
            u8(c);
    }
    //! Overwrites a 16-bit field written before (a length, a checksum).
    void set16(std::size_t at, unsigned v) {
        if (at + 1 < n) {
            b[at] = static_cast<unsigned char>(v >> 8);
            b[at + 1] = static_cast<unsigned char>(v);
        }
    }
};

//! The judge of every frame the stack sends (each harness defines it).
void check_out(const unsigned char* f, std::size_t n);

//! The device: the harness's frame is its receive ring (one at a time), its
//! transmit ring is full when the harness says, and every frame sent is
//! judged. \p TxQueueLen is the qdisc's length.
template <unsigned TxQueueLen>
struct fuzz_eth {
    static constexpr const char* name = "eth0";
    static constexpr unsigned short type = ksock::arphrd_ether;
    static constexpr unsigned mtu = 1500;
    static constexpr unsigned short hard_header_len = ksock::eth_hlen;
    static constexpr unsigned char addr_len = ksock::eth_alen;
    static constexpr ksock::netdev_features_t features = ksock::netif_f_sg;
    static constexpr unsigned tx_queue_len = TxQueueLen;
    static constexpr std::uint32_t rx_truesize(std::size_t len) noexcept {
        return ksock::skb_truesize(static_cast<std::uint32_t>(len + 64 + 2));
    }

    const unsigned char* rx = nullptr;
    std::size_t rx_len = 0;
    bool busy = false;

    int open() noexcept { return 0; }
    int stop() noexcept { return 0; }
    bool carrier() const noexcept { return true; }
    const unsigned char* dev_addr() const noexcept { return our_mac; }
    ksock::netdev_tx start_xmit(const ksock::netdev_frame& fr) noexcept {
        if (busy) {
            ++tx_busy;
            return ksock::netdev_tx::busy;
        }
        unsigned char buf[1600];
        FUZZ_CHECK(fr.len() <= sizeof buf, fr.len(), 0);
        check_out(buf, fr.copy_to(buf, sizeof buf));
        return ksock::netdev_tx::ok;
    }
    template <class Sink>
    int poll(Sink& sink, int budget) {
        if (!rx || budget <= 0)
            return 0;
        ++frames_in;
        if (ksock::sk_buff* skb = sink.alloc(rx_len)) {
            ksock::skb_store_bits(skb, 0, rx, rx_len);
            sink.receive(skb);
        }
        rx = nullptr;
        return 1;
    }
};

} // namespace
