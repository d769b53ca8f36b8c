// test/support/vlink.hpp: a virtual Ethernet link for tests: two stacks,
// each with a vdev<Side> device, joined by one vwire that carries their
// frames in virtual time, with seeded loss, duplication, reordering and
// delay. Deterministic and small (a few dozen frames in flight), so the
// same tests run on the host and on the Cortex-M targets.
//
// The wire owns the frames in flight (copied at start_xmit, as a NIC's DMA
// would) and a clock the test advances together with the stacks
// (vlink_run). Each side has a transmit ring of `ring` frames: a full ring
// answers start_xmit with busy, which the stack turns into back-pressure.
// A test can also put any bytes on the wire (inject) to play a hostile or
// a scripted peer, and look at every frame sent (the tap callback).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/objects/netdev_features.hpp>
#include <ksock/objects/netdev_frame.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/registry/net_device.hpp>
#include <ksock/uapi/if_arp.hpp>
#include <ksock/uapi/if_ether.hpp>

namespace ksock_test {

struct vwire {
    static constexpr std::size_t slots = 24;
    static constexpr std::size_t max_frame = 1518;

    struct frame {
        unsigned char data[max_frame];
        std::uint16_t len;
        std::uint8_t to; //!< the side that receives it
        bool used;
        unsigned long at;  //!< when it arrives (the wire's clock)
        unsigned long seq; //!< order of sending, to break ties
    };

    frame f[slots];
    unsigned long now = 0;
    unsigned long seq = 0;
    std::uint32_t rng = 1;
    // Faults, in percent of the frames sent, and the delay in ms.
    unsigned loss = 0;
    unsigned dup = 0;
    unsigned reorder = 0; //!< delayed by 1..3 ms more than the rest
    unsigned delay = 1;
    unsigned ring[2] = {8, 8}; //!< frames in flight each side may have
    bool carrier[2] = {true, true};
    // What happened.
    unsigned long sent[2] = {};
    unsigned long lost = 0;
    unsigned long duplicated = 0;
    unsigned long reordered = 0;
    unsigned long delivered[2] = {};
    unsigned long busy[2] = {};
    //! Called with every frame a side sends, before faults (may be null).
    void (*tap)(void* user, int from, const unsigned char* p, std::size_t n) = nullptr;
    void* tap_user = nullptr;
    //! A frame for which this says true is lost (may be null): a test's
    //! own choice of loss.
    bool (*drop)(void* user, int from, const unsigned char* p, std::size_t n) = nullptr;
    void* drop_user = nullptr;
    //! Reverse the order of the frames in flight to each side (a test's
    //! own reordering): the latest sent arrives first.
    void reverse() noexcept {
        unsigned long lo = 0;
        bool any = false;
        for (const frame& x : f)
            if (x.used && (!any || x.seq < lo)) {
                lo = x.seq;
                any = true;
            }
        for (frame& x : f)
            if (x.used)
                x.seq = lo + (seq - x.seq);
        for (frame& x : f)
            if (x.used)
                x.at = now;
    }

    std::uint32_t next_random() noexcept {
        std::uint32_t x = rng ? rng : 0x2545f491u;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        rng = x;
        return x;
    }
    bool chance(unsigned pct) noexcept { return pct && next_random() % 100 < pct; }

    std::size_t in_flight(int from) const noexcept {
        std::size_t n = 0;
        for (const frame& x : f)
            n += x.used && x.to != from;
        return n;
    }
    //! Put \p n bytes on the wire toward side \p to, arriving after \p after ms.
    bool inject(int to, const void* p, std::size_t n, unsigned long after = 0) noexcept {
        if (n > max_frame)
            return false;
        for (frame& x : f)
            if (!x.used) {
                std::memcpy(x.data, p, n);
                x.len = static_cast<std::uint16_t>(n);
                x.to = static_cast<std::uint8_t>(to);
                x.used = true;
                x.at = now + after;
                x.seq = seq++;
                return true;
            }
        return false;
    }
    //! The frame side \p to receives next, if it has arrived; null otherwise.
    frame* next_for(int to) noexcept {
        frame* best = nullptr;
        for (frame& x : f)
            if (x.used && x.to == to && x.at <= now &&
                (!best || x.at < best->at || (x.at == best->at && x.seq < best->seq)))
                best = &x;
        return best;
    }
    //! Drop everything in flight.
    void clear() noexcept {
        for (frame& x : f)
            x.used = false;
    }
};

//! One end of a vwire: an Ethernet device named eth0, MTU 1500, a queue
//! of 16, MAC 02:00:00:00:00:0<Side + 1>.
template <int Side>
struct vdev {
    static constexpr const char* name = "eth0";
    static constexpr unsigned short type = ksock::arphrd_ether;
    static constexpr unsigned mtu = 1500;
    static constexpr unsigned short hard_header_len = ksock::eth_hlen;
    static constexpr unsigned char addr_len = ksock::eth_alen;
    static constexpr ksock::netdev_features_t features = ksock::netif_f_sg;
    static constexpr unsigned tx_queue_len = 16;
    //! A NIC driver's receive skb (napi_alloc_skb: NET_SKB_PAD + NET_IP_ALIGN
    //! + the frame, linear, its head from the page-fragment cache rounded
    //! as __alloc_skb rounds it).
    static constexpr std::uint32_t rx_truesize(std::size_t len) noexcept {
        return ksock::skb_truesize(static_cast<std::uint32_t>(len + 64 + 2));
    }

    vwire* wire = nullptr;
    unsigned char mac[6] = {0x02, 0, 0, 0, 0, static_cast<unsigned char>(Side + 1)};
    bool opened = false;
    int open_error = 0; //!< what the next open() answers
    //! Receive errors the "hardware" reports at the next poll.
    unsigned rx_errors_pending = 0;
    ksock::netdev_rx_error rx_error_kind = ksock::netdev_rx_error::crc;

    int open() noexcept {
        if (open_error)
            return open_error;
        opened = true;
        return 0;
    }
    int stop() noexcept {
        opened = false;
        return 0;
    }
    bool carrier() const noexcept { return wire && wire->carrier[Side]; }
    const unsigned char* dev_addr() const noexcept { return mac; }

    ksock::netdev_tx start_xmit(const ksock::netdev_frame& fr) noexcept {
        vwire& w = *wire;
        if (w.in_flight(Side) >= w.ring[Side]) {
            ++w.busy[Side];
            return ksock::netdev_tx::busy;
        }
        unsigned char buf[vwire::max_frame];
        const std::size_t n = fr.copy_to(buf, sizeof buf);
        ++w.sent[Side];
        if (w.tap)
            w.tap(w.tap_user, Side, buf, n);
        if ((w.drop && w.drop(w.drop_user, Side, buf, n)) || w.chance(w.loss)) {
            ++w.lost;
            return ksock::netdev_tx::ok;
        }
        unsigned long after = w.delay;
        if (w.chance(w.reorder)) {
            ++w.reordered;
            after += 1 + w.next_random() % 3;
        }
        w.inject(1 - Side, buf, n, after);
        if (w.chance(w.dup)) {
            ++w.duplicated;
            w.inject(1 - Side, buf, n, after + 1);
        }
        return ksock::netdev_tx::ok;
    }

    template <class Sink>
    int poll(Sink& sink, int budget) {
        int done = 0;
        vwire& w = *wire;
        for (; rx_errors_pending; --rx_errors_pending)
            sink.rx_error(rx_error_kind);
        while (done < budget) {
            vwire::frame* fr = w.next_for(Side);
            if (!fr)
                break;
            ++done;
            ++w.delivered[Side];
            ksock::sk_buff* skb = sink.alloc(fr->len);
            if (skb) {
                ksock::skb_store_bits(skb, 0, fr->data, fr->len);
                fr->used = false;
                sink.receive(skb);
            } else {
                fr->used = false; // dropped: the stack counted it
            }
        }
        return done;
    }
};

//! Advance the wire and both stacks by \p ms, one millisecond at a time.
template <class A, class B>
void vlink_run(vwire& w, A& a, B& b, unsigned long ms) {
    for (unsigned long i = 0; i < ms; ++i) {
        ++w.now;
        a.advance(1);
        b.advance(1);
    }
    a.advance(0);
    b.advance(0);
}

} // namespace ksock_test
