// test/differential/packet/ksock_tun.hpp: the packet differential's device
// on ksock's side, the twin of the kernel side's TUN (IFF_TUN | IFF_NO_PI):
// an IP-only link (ARPHRD_NONE, no hard header, no hardware address, so no
// ARP) whose frames are bare IPv4 packets. What the stack transmits is
// copied and stamped with the backend's virtual time; what the script sends
// waits in a receive ring until the stack's next NAPI poll takes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include <ksock/objects/netdev_features.hpp>
#include <ksock/objects/netdev_frame.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/registry/net_device.hpp>
#include <ksock/uapi/if_arp.hpp>

namespace ksock_packet {

struct ksock_tun {
    static constexpr const char* name = "tun0";
    static constexpr unsigned short type = ksock::arphrd_none;
    static constexpr unsigned mtu = 1500;
    static constexpr unsigned short hard_header_len = 0;
    static constexpr unsigned char addr_len = 0;
    //! A TUN device without TUNSETOFFLOAD: scatter-gather, no segmentation
    //! offload (tun_net_fix_features drops the user features not set).
    static constexpr ksock::netdev_features_t features = ksock::netif_f_sg;
    //! TUN_READQ_SIZE, tun's default txqueuelen.
    static constexpr unsigned tx_queue_len = 500;
    //! What the kernel charges for a packet written into a TUN device: not
    //! tun_build_skb's page fragment (tun_can_build_skb takes TAP devices
    //! only) but tun_alloc_skb's kmalloc'ed head, TUN_RX_PAD (64 bytes) then
    //! the packet, rounded to its kmalloc bucket: 2304 bytes for a
    //! 1040-byte packet, which is why 1000 bytes held shrink Linux's window.
    static constexpr std::uint32_t rx_truesize(std::size_t len) noexcept {
        return ksock::skb_truesize(static_cast<std::uint32_t>(len + 64));
    }

    //! A packet the stack sent: its bytes, when, and the backend's epoch then.
    struct sent {
        std::int64_t t;
        std::uint64_t epoch;
        std::vector<std::uint8_t> bytes;
    };

    std::deque<std::vector<std::uint8_t>> rx; //!< the script's packets, not yet polled
    std::deque<sent> tx;                      //!< what start_xmit took, oldest first
    std::uint64_t tx_count = 0;               //!< packets ever taken
    //! The stamp for what is sent now (the backend keeps them current).
    std::int64_t now = 0;
    std::uint64_t epoch = 0;

    int open() noexcept { return 0; }
    int stop() noexcept { return 0; }
    bool carrier() const noexcept { return true; } // a TUN with its file open
    const unsigned char* dev_addr() const noexcept { return nullptr; }

    ksock::netdev_tx start_xmit(const ksock::netdev_frame& f) {
        std::vector<std::uint8_t> b(f.len());
        f.copy_to(b.data(), b.size());
        tx.push_back(sent{now, epoch, std::move(b)});
        ++tx_count;
        return ksock::netdev_tx::ok;
    }

    template <class Sink>
    int poll(Sink& sink, int budget) {
        int done = 0;
        while (done < budget && !rx.empty()) {
            const std::vector<std::uint8_t> p = std::move(rx.front());
            rx.pop_front();
            ++done;
            if (ksock::sk_buff* skb = sink.alloc(p.size())) {
                ksock::skb_store_bits(skb, 0, p.data(), p.size());
                sink.receive(skb);
            }
        }
        return done;
    }
};

static_assert(ksock::net_device<ksock_tun>, "ksock_packet::ksock_tun must model ksock::net_device");

} // namespace ksock_packet
