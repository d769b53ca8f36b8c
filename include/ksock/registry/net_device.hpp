// ksock/registry/net_device.hpp: a network device driver as a type (Linux's
// struct net_device + net_device_ops + NAPI, for one driver): the concept,
// the receive sink a driver's poll is handed, and the checks a stack runs on
// every device of Config::devices, each with a message that names the
// requirement.
//
// A device D provides
//   static constexpr const char* name;             // "eth0" (IFNAMSIZ - 1 at most)
//   static constexpr unsigned short type;          // ARPHRD_ETHER / _LOOPBACK / _NONE
//   static constexpr unsigned mtu;                 // dev->mtu at registration
//   static constexpr unsigned short hard_header_len; // ETH_HLEN, or 0 for ARPHRD_NONE
//   static constexpr unsigned char addr_len;       // ETH_ALEN, or 0 for ARPHRD_NONE
//   static constexpr netdev_features_t features;   // NETIF_F_*
//   static constexpr unsigned tx_queue_len;        // the pfifo's limit (`qlen`)
//   static constexpr std::uint32_t rx_truesize(std::size_t frame_len);
//       what Linux charges a socket for a received frame of that length
//       (hard header included) on the equivalent Linux device
//   int open();                                    // ndo_open: 0 or -errno
//   int stop();                                    // ndo_stop
//   bool carrier() const;                          // netif_carrier_ok
//   const unsigned char* dev_addr() const;         // addr_len bytes (may be null if 0)
//   netdev_tx start_xmit(const netdev_frame&);     // ndo_start_xmit: ok or busy
//   template <class Sink> int poll(Sink&, int budget);   // NAPI poll
// and is default-constructible: a stack holds one instance of each device
// (stack::device<D>() reaches it, for a driver's own settings).
//
// Receiving, NAPI style: poll takes at most `budget` frames off the hardware
// and returns how many it took. For each it asks the sink for a buffer,
// sink.alloc(len) (an skb chain of len bytes, or null when the stack's pool
// is out: the driver drops the frame, which the stack has already counted in
// rx_dropped), fills it (skb_store_bits) and hands it up with
// sink.receive(skb); a frame the hardware flagged bad is reported with
// sink.rx_error(kind) instead. An interrupt handler never enters the stack:
// it only notes in the driver that poll has work.
//
// Transmitting: start_xmit gets the frame with its hard header built; it
// answers netdev_tx::ok once it has taken the bytes, or netdev_tx::busy when
// its ring is full; the stack then keeps the frame at the head of the
// device's queue (Linux's pfifo, tx_queue_len long) and offers it again at
// the next poll. Busy is back-pressure, never a drop.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/objects/netdev_features.hpp>
#include <ksock/objects/netdev_frame.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/if_arp.hpp>
#include <ksock/uapi/if_ether.hpp>

namespace ksock {

//! The receive errors a driver reports (the rx_*_errors of
//! rtnl_link_stats64: a frame too long or short, lost to a full ring, a bad
//! FCS, misaligned, a FIFO overrun, missed by the hardware).
enum class netdev_rx_error : std::uint8_t { length, over, crc, frame, fifo, missed };

namespace archetypes {
//! The minimal receive sink: what a driver's poll may use, and all it may
//! use. The stack's own sink (core/dev.hpp) has exactly these members.
struct netdev_sink {
    //! Take an skb for a received frame of \p len bytes (null when none is free); hand a filled one
    //! to the stack; count a receive error.
    //!@{
    sk_buff* alloc(std::size_t len);
    void receive(sk_buff* skb);
    void rx_error(netdev_rx_error kind);
    //!@}
};
} // namespace archetypes

namespace detail {

//! Is \p s a string of 1 to IFNAMSIZ - 1 characters? (A consteval walk: a
//! name that is not a constant fails the constant expression.)
consteval bool valid_ifname(const char* s) {
    if (!s)
        return false;
    std::size_t n = 0;
    while (s[n])
        if (++n >= static_cast<std::size_t>(ifnamsiz))
            return false;
    return n > 0;
}

template <class D>
concept dev_has_name = requires {
    { D::name } -> std::convertible_to<const char*>;
}
&&requires {
    typename std::bool_constant<valid_ifname(D::name)>;
}
&&valid_ifname(D::name);

template <class D>
concept dev_has_type = requires {
    { D::type } -> std::convertible_to<unsigned short>;
    typename std::integral_constant<unsigned short, D::type>;
}
&&(D::type == arphrd_ether || D::type == arphrd_loopback || D::type == arphrd_none);

template <class D>
concept dev_has_mtu = requires {
    { D::mtu } -> std::convertible_to<unsigned>;
    typename std::integral_constant<unsigned, D::mtu>;
}
&&D::mtu >= 68 && D::mtu <= 65536;

//! The hard header the link type implies: Ethernet's for ARPHRD_ETHER and
//! ARPHRD_LOOPBACK (Linux's lo has an all-zero Ethernet header), none for
//! ARPHRD_NONE.
constexpr unsigned link_hlen(unsigned short type) noexcept {
    return type == arphrd_none ? 0u : eth_hlen;
}
constexpr unsigned link_alen(unsigned short type) noexcept {
    return type == arphrd_none ? 0u : eth_alen;
}

template <class D>
concept dev_has_hard_header_len = requires {
    { D::hard_header_len } -> std::convertible_to<unsigned short>;
    typename std::integral_constant<unsigned short, D::hard_header_len>;
}
&&D::hard_header_len <= ll_max_header &&
    (!dev_has_type<D> || D::hard_header_len == link_hlen(D::type));

template <class D>
concept dev_has_addr_len = requires {
    { D::addr_len } -> std::convertible_to<unsigned char>;
    typename std::integral_constant<unsigned char, D::addr_len>;
}
&&(!dev_has_type<D> || D::addr_len == link_alen(D::type));

template <class D>
concept dev_has_features = requires {
    { D::features } -> std::convertible_to<netdev_features_t>;
    typename std::integral_constant<netdev_features_t, D::features>;
};

template <class D>
concept dev_has_tx_queue_len = requires {
    { D::tx_queue_len } -> std::convertible_to<unsigned>;
    typename std::integral_constant<unsigned, D::tx_queue_len>;
}
&&D::tx_queue_len >= 1;

template <class D>
concept dev_has_rx_truesize = requires(std::size_t len) {
    { D::rx_truesize(len) } -> std::convertible_to<std::uint32_t>;
    typename std::integral_constant<std::uint32_t, D::rx_truesize(std::size_t{60})>;
};

template <class D>
concept dev_has_open = requires(D& d) {
    { d.open() } -> std::same_as<int>;
};
template <class D>
concept dev_has_stop = requires(D& d) {
    { d.stop() } -> std::same_as<int>;
};
template <class D>
concept dev_has_carrier = requires(const D& d) {
    { d.carrier() } -> std::convertible_to<bool>;
};
template <class D>
concept dev_has_dev_addr = requires(const D& d) {
    { d.dev_addr() } -> std::convertible_to<const unsigned char*>;
};
template <class D>
concept dev_has_start_xmit = requires(D& d, const netdev_frame& f) {
    { d.start_xmit(f) } -> std::same_as<netdev_tx>;
};
template <class D>
concept dev_has_poll = requires(D& d, archetypes::netdev_sink& sink, int budget) {
    { d.poll(sink, budget) } -> std::same_as<int>;
};

} // namespace detail

//! A network device driver.
template <class D>
concept net_device = std::is_default_constructible_v<D> && detail::dev_has_name<D> &&
    detail::dev_has_type<D> && detail::dev_has_mtu<D> && detail::dev_has_hard_header_len<D> &&
    detail::dev_has_addr_len<D> && detail::dev_has_features<D> && detail::dev_has_tx_queue_len<D> &&
    detail::dev_has_rx_truesize<D> && detail::dev_has_open<D> && detail::dev_has_stop<D> &&
    detail::dev_has_carrier<D> && detail::dev_has_dev_addr<D> && detail::dev_has_start_xmit<D> &&
    detail::dev_has_poll<D>;

//! Every requirement of net_device<D>, one message each (the stack runs it
//! on every element of Config::devices); the assertions do the work.
template <class D>
consteval bool check_net_device() {
    static_assert(std::is_default_constructible_v<D>,
                  "ksock::net_device<D>: D must be default-constructible (a stack holds one "
                  "instance of each device)");
    static_assert(detail::dev_has_name<D>, "ksock::net_device<D>: D::name must be a constexpr "
                                           "string of 1 to 15 characters (IFNAMSIZ)");
    static_assert(detail::dev_has_type<D>, "ksock::net_device<D>: D::type must be a constant, "
                                           "ARPHRD_ETHER, ARPHRD_LOOPBACK or ARPHRD_NONE");
    static_assert(detail::dev_has_mtu<D>, "ksock::net_device<D>: D::mtu must be a constant from "
                                          "68 (IPv4's minimum) to 65536");
    static_assert(detail::dev_has_hard_header_len<D>,
                  "ksock::net_device<D>: D::hard_header_len must be a constant, ETH_HLEN for "
                  "ARPHRD_ETHER and ARPHRD_LOOPBACK, 0 for ARPHRD_NONE");
    static_assert(detail::dev_has_addr_len<D>,
                  "ksock::net_device<D>: D::addr_len must be a constant, ETH_ALEN for "
                  "ARPHRD_ETHER and ARPHRD_LOOPBACK, 0 for ARPHRD_NONE");
    static_assert(detail::dev_has_features<D>, "ksock::net_device<D>: D::features must be a "
                                               "constant netdev_features_t (NETIF_F_* bits)");
    static_assert(detail::dev_has_tx_queue_len<D>,
                  "ksock::net_device<D>: D::tx_queue_len must be a constant of at least 1 (the "
                  "limit of the device's pfifo queue)");
    static_assert(detail::dev_has_rx_truesize<D>,
                  "ksock::net_device<D>: D::rx_truesize(len) must be a constexpr function of "
                  "the frame length giving the bytes Linux charges a socket for it");
    static_assert(detail::dev_has_open<D>,
                  "ksock::net_device<D>: D must define int open() (ndo_open: 0 or -errno)");
    static_assert(detail::dev_has_stop<D>,
                  "ksock::net_device<D>: D must define int stop() (ndo_stop)");
    static_assert(detail::dev_has_carrier<D>,
                  "ksock::net_device<D>: D must define bool carrier() const (netif_carrier_ok)");
    static_assert(detail::dev_has_dev_addr<D>,
                  "ksock::net_device<D>: D must define const unsigned char* dev_addr() const "
                  "(its addr_len bytes of hardware address)");
    static_assert(detail::dev_has_start_xmit<D>,
                  "ksock::net_device<D>: D must define netdev_tx start_xmit(const netdev_frame&) "
                  "(ndo_start_xmit)");
    static_assert(detail::dev_has_poll<D>,
                  "ksock::net_device<D>: D must define template <class Sink> int poll(Sink&, int "
                  "budget) (NAPI: the frames taken, at most budget)");
    return true; // each failure has fired its own message above
}

namespace archetypes {
//! The minimal device: an IP-only link (ARPHRD_NONE) that models the
//! concept with nothing to spare. Declared, not defined: for concept checks
//! and near-misses (derive and shadow one member), never for a stack.
struct net_device {
    //! The members the net_device concept requires (see check_net_device), declared with the least
    //! values a device may have: an IP-only link, no address, one slot of transmit queue.
    //!@{
    static constexpr const char* name = "arch0";
    static constexpr unsigned short type = arphrd_none;
    static constexpr unsigned mtu = 1500;
    static constexpr unsigned short hard_header_len = 0;
    static constexpr unsigned char addr_len = 0;
    static constexpr netdev_features_t features = 0;
    static constexpr unsigned tx_queue_len = 1;
    static constexpr std::uint32_t rx_truesize(std::size_t len) noexcept {
        return static_cast<std::uint32_t>(len);
    }
    int open();
    int stop();
    bool carrier() const;
    const unsigned char* dev_addr() const;
    netdev_tx start_xmit(const netdev_frame&);
    template <class Sink>
    int poll(Sink&, int budget);
    //!@}
};
static_assert(ksock::net_device<net_device>,
              "ksock::archetypes::net_device must model ksock::net_device");
} // namespace archetypes

} // namespace ksock
