// test/interop/tap/lossy_tap.hpp: the fault device on ksock's side of the
// TAP link (the host kernel has no netem in a user namespace without the
// sch_netem module, and a fault on the kernel's side would not be seeded):
// the TAP driver losing, reordering and CE-marking frames at random, both
// ways, seeded, counting what it did. With loss, reorder and ce 0 it is the
// TAP driver itself.
//
// Test support, not the library: firmware is tested on the virtual link
// (test/support/vlink.hpp), which already drops, repeats and reorders frames;
// a fault device in the library would have to reach into each driver's
// receive path (the sink a driver's poll is handed cannot free a frame it
// allocated), which only a driver of the test's own can do, as this one
// does with the TAP's descriptor.
//
// Reordering is the simplest kind: a frame is held and goes out right
// after the next one. A held frame nothing follows (the last ACK of a
// burst) goes out at the poll after the one that held it, so that no
// connection waits for a retransmission timer because of a reordering.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <unistd.h>

#include <ksock/drivers/tap.hpp>
#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

#include "support/wire_frames.hpp"

namespace tap_interop {

struct lossy_tap : ksock::drivers::tap {
    static constexpr std::size_t max_frame = 1600;
    unsigned loss = 0;    //!< percent of the frames lost, each way
    unsigned reorder = 0; //!< percent of the frames held behind the next, each way
    //! Percent of the ECN-capable (ECT) IPv4 frames marked CE, each way: a
    //! congested router's queue, which marks instead of dropping.
    unsigned ce = 0;
    std::uint32_t rng = 0x2545f491u;
    //! Lost frames: [0] sent by ksock, [1] received; by kind (UDP, ICMP,
    //! TCP, other).
    unsigned long lost[2][4] = {};
    unsigned long lost_bytes[2] = {};
    //! Frames held behind the next: [0] sent by ksock, [1] received.
    unsigned long reordered[2] = {};
    //! Frames marked CE: [0] sent by ksock, [1] received.
    unsigned long ce_marked[2] = {};

    static int kind(const unsigned char* f, std::size_t n) {
        if (n < 24 || (f[12] << 8 | f[13]) != 0x0800)
            return 3;
        return f[23] == 17 ? 0 : f[23] == 1 ? 1 : f[23] == 6 ? 2 : 3;
    }
    //! The frames lost one way (0: sent by ksock, 1: received), of any kind.
    unsigned long lost_frames(int dir) const {
        return lost[dir][0] + lost[dir][1] + lost[dir][2] + lost[dir][3];
    }
    bool chance(unsigned pct) {
        if (!pct)
            return false;
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        return rng % 100 < pct;
    }

    //! Marks an ECT IPv4 frame CE (ECN codepoint 3), its header checksum
    //! updated; false for any other frame.
    static bool mark_ce(unsigned char* f, std::size_t n) {
        return n >= 34 && (f[15] & 3) != 0 && ksock_test::ip_set_ecn(f, n, 3);
    }

    ksock::netdev_tx start_xmit(const ksock::netdev_frame& f) noexcept {
        const std::size_t n = f.copy_to(out_, sizeof out_);
        if (ce && n <= sizeof out_ && chance(ce) && mark_ce(out_, n)) {
            ++ce_marked[0];
            const ksock::netdev_tx r = tap::start_xmit(ksock::netdev_frame(out_, n, nullptr, 0));
            if (r == ksock::netdev_tx::ok)
                release_tx();
            return r;
        }
        if (chance(loss)) {
            ++lost[0][kind(out_, n)];
            lost_bytes[0] += n;
            return ksock::netdev_tx::ok;
        }
        if (!held_[0].len && n <= max_frame && chance(reorder)) {
            hold(0, out_, n);
            return ksock::netdev_tx::ok;
        }
        const ksock::netdev_tx r = tap::start_xmit(f);
        if (r == ksock::netdev_tx::ok)
            release_tx();
        return r;
    }

    //! tap::poll, with the faults between the wire and the stack.
    template <class Sink>
    int poll(Sink& sink, int budget) {
        // A held frame nothing followed since the last poll goes now.
        for (int dir = 0; dir < 2; ++dir)
            if (held_[dir].len && held_[dir].polls++ > 0) {
                if (dir == 0)
                    release_tx();
                else
                    release_rx(sink);
            }
        int done = 0;
        while (done < budget) {
            const ssize_t r = ::read(fd(), in_, sizeof in_);
            if (r < 0)
                break;
            ++done;
            const auto len = static_cast<std::size_t>(r);
            if (ce && chance(ce) && mark_ce(in_, len))
                ++ce_marked[1];
            if (chance(loss)) {
                lost_bytes[1] += len;
                ++lost[1][kind(in_, len)];
                continue;
            }
            if (!held_[1].len && len <= max_frame && chance(reorder)) {
                hold(1, in_, len);
                continue;
            }
            deliver(sink, in_, len);
            release_rx(sink);
        }
        return done;
    }

private:
    struct held_frame {
        std::size_t len = 0; //!< 0: none held
        unsigned polls = 0;  //!< polls since it was held
        unsigned char b[max_frame] = {};
    };
    void hold(int dir, const unsigned char* p, std::size_t n) {
        std::memcpy(held_[dir].b, p, n);
        held_[dir].len = n;
        held_[dir].polls = 0;
        ++reordered[dir];
    }
    //! The held outgoing frame, if any, after the one just written; kept
    //! when the kernel's queue is full (busy), for the next chance.
    void release_tx() {
        held_frame& h = held_[0];
        if (h.len &&
            tap::start_xmit(ksock::netdev_frame(h.b, h.len, nullptr, 0)) == ksock::netdev_tx::ok)
            h.len = 0;
    }
    template <class Sink>
    void release_rx(Sink& sink) {
        if (held_[1].len) {
            deliver(sink, held_[1].b, held_[1].len);
            held_[1].len = 0;
        }
    }
    template <class Sink>
    static void deliver(Sink& sink, const unsigned char* p, std::size_t n) {
        if (ksock::sk_buff* skb = sink.alloc(n)) {
            ksock::skb_store_bits(skb, 0, p, n);
            sink.receive(skb);
        }
    }

    unsigned char in_[max_frame] = {};
    unsigned char out_[max_frame] = {};
    held_frame held_[2];
};

static_assert(ksock::net_device<ksock::drivers::tap> && ksock::net_device<lossy_tap>,
              "the TAP driver and the fault device on it must model ksock::net_device");

} // namespace tap_interop
