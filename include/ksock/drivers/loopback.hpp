// ksock/drivers/loopback.hpp: lo (drivers/net/loopback.c), the device every
// namespace has as ifindex 1: ARPHRD_LOOPBACK, MTU 65536, an all-zero
// Ethernet address, `qlen 1000` and the offloads loopback_setup gives it, as
// `ip -d link show lo` reports them on a 6.18 host.
//
// lo's frames never leave the stack: dev_queue_xmit hands a loopback
// device's skb straight back to the receive path, the skb itself, as
// loopback_xmit does with __netif_rx (so the receiver is charged the
// sender's truesize). start_xmit and poll are therefore never called; they
// are here because lo is a net_device like any other.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_features.hpp>
#include <ksock/objects/netdev_frame.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/if_arp.hpp>
#include <ksock/uapi/if_ether.hpp>

namespace ksock::drivers {

//! lo (drivers/net/loopback.c): the loopback device, ifindex 1 of every namespace; its frames go
//! straight back to the receive path.
struct loopback {
    static constexpr const char* name = "lo";               //!< the interface's name
    static constexpr unsigned short type = arphrd_loopback; //!< a loopback device
    //! loopback_setup: dev->mtu = 64 * 1024.
    static constexpr unsigned mtu = 64 * 1024;
    //! ETH_HLEN, as loopback_setup sets it.
    static constexpr unsigned short hard_header_len = eth_hlen;
    static constexpr unsigned char addr_len = eth_alen; //!< ETH_ALEN: an all-zero address
    //! The offloads loopback_setup gives lo (LOOPBACK_FEATURES, drivers/net/loopback.c).
    static constexpr netdev_features_t features = netif_f_sg | netif_f_fraglist | netif_f_hw_csum |
                                                  netif_f_rxcsum | netif_f_highdma |
                                                  netif_f_loopback;
    //! `qlen 1000` (lo's qdisc is noqueue: nothing ever waits there).
    static constexpr unsigned tx_queue_len = 1000;

    //! The truesize of the skb a local sender built for a frame of
    //! \p frame_len bytes (lo hands that very skb over): the IP packet plus
    //! LL_RESERVED_SPACE(lo) = 16 and 15 bytes of alignment, linear, from
    //! the small-head cache when it fits (see inet's ip_truesize).
    static constexpr std::uint32_t rx_truesize(std::size_t frame_len) noexcept {
        const std::size_t ip_len = frame_len > eth_hlen ? frame_len - eth_hlen : 0;
        return skb_truesize(static_cast<std::uint32_t>(ip_len + 16 + 15), true);
    }

    //! Always up, always carrying; the all-zero address.
    //!@{
    constexpr int open() noexcept { return 0; }
    constexpr int stop() noexcept { return 0; }
    constexpr bool carrier() const noexcept { return true; }
    constexpr const unsigned char* dev_addr() const noexcept { return addr_; }
    //!@}

    //! Never called (see above): a frame offered here is taken and gone.
    constexpr netdev_tx start_xmit(const netdev_frame&) noexcept { return netdev_tx::ok; }
    //! Never called: lo receives nothing from a wire.
    template <class Sink>
    constexpr int poll(Sink&, int) noexcept {
        return 0;
    }

private:
    unsigned char addr_[eth_alen] = {};
};

} // namespace ksock::drivers
