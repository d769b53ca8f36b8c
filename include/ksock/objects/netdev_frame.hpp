// ksock/objects/netdev_frame.hpp: what a driver's start_xmit is handed (the
// skb Linux's ndo_start_xmit gets, with its link-layer header pushed) and
// what it answers (netdev_tx_t).
//
// A frame is a gather view: the hard header the stack built (Ethernet's 14
// bytes, none on ARPHRD_NONE media) followed by the packet's skb chain, read
// in place. A driver walks the runs (for_each_run: a DMA descriptor or a
// FIFO write per run) or copies the whole frame (copy_to). The bytes are the
// stack's: valid during start_xmit only, so a driver that needs them later
// copies them before it answers netdev_tx::ok.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/objects/sk_buff.hpp>

namespace ksock {

//! netdev_tx_t: the driver took the frame (NETDEV_TX_OK), or its transmit
//! ring is full and it must be offered again later (NETDEV_TX_BUSY; the
//! stack keeps it at the head of the device's queue, nothing is dropped).
enum class netdev_tx : int {
    ok = 0x00,
    busy = 0x10,
};

//! LL_MAX_HEADER: the longest hard header a device may ask for.
inline constexpr std::size_t ll_max_header = 32;

//! The frame a driver's start_xmit is handed: the hard header the stack built, then the packet's
//! skb chain, read in place and valid during start_xmit only.
class netdev_frame {
public:
    constexpr netdev_frame() noexcept = default;
    //! \p hh_len bytes of hard header at \p hh, then \p pkt_len bytes of
    //! the chain \p skb from its start.
    constexpr netdev_frame(const unsigned char* hh, std::size_t hh_len, const sk_buff* skb,
                           std::size_t pkt_len) noexcept
        : hh_(hh), hh_len_(hh_len), skb_(skb), pkt_len_(pkt_len) {}

    //! The frame's length: hard header + packet (no FCS, no padding: a
    //! driver pads to ETH_ZLEN where its medium needs it).
    constexpr std::size_t len() const noexcept { return hh_len_ + pkt_len_; }
    //! The hard header's length (ETH_HLEN on Ethernet, 0 on ARPHRD_NONE).
    constexpr std::size_t header_len() const noexcept { return hh_len_; }

    //! f(const unsigned char* p, std::size_t n) for each run of the frame,
    //! in order; empty runs are skipped.
    template <class F>
    void for_each_run(F&& f) const {
        if (hh_len_)
            f(static_cast<const unsigned char*>(hh_), hh_len_);
        std::size_t left = pkt_len_;
        for (const sk_buff* s = skb_; s && left; s = s->frag_next) {
            const std::size_t k = s->len < left ? s->len : left;
            if (k)
                f(static_cast<const unsigned char*>(s->head), k);
            left -= k;
        }
    }

    //! Copy the frame into \p dst (at most \p cap bytes): the count copied.
    std::size_t copy_to(void* dst, std::size_t cap) const noexcept {
        auto* out = static_cast<unsigned char*>(dst);
        std::size_t done = 0;
        for_each_run([&](const unsigned char* p, std::size_t n) {
            const std::size_t k = n < cap - done ? n : cap - done;
            if (k)
                std::memcpy(out + done, p, k);
            done += k;
        });
        return done;
    }

    //! The byte at \p off of the frame (0 past its end): for drivers and
    //! tests that look at one field without copying the frame.
    unsigned char at(std::size_t off) const noexcept {
        unsigned char b = 0;
        std::size_t pos = 0;
        for_each_run([&](const unsigned char* p, std::size_t n) {
            if (off >= pos && off < pos + n)
                b = p[off - pos];
            pos += n;
        });
        return b;
    }

private:
    const unsigned char* hh_ = nullptr;
    std::size_t hh_len_ = 0;
    const sk_buff* skb_ = nullptr;
    std::size_t pkt_len_ = 0;
};

} // namespace ksock
