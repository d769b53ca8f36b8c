// ksock/drivers/tap.hpp: an Ethernet device on a Linux host's TAP interface
// (/dev/net/tun, IFF_TAP | IFF_NO_PI): ksock runs as a host next to the
// kernel, the kernel's end of the TAP being its neighbour on the wire.
// Every frame the kernel transmits on the interface is read from the file
// descriptor by poll; every frame ksock sends is one write().
//
//   struct host_config : ksock::default_config {
//       using devices = ksock::type_list<ksock::drivers::loopback, ksock::drivers::tap>;
//   };
//   ksock::stack<host_config> s;
//   s.device<ksock::drivers::tap>().attach("ktap0");    // the host's interface
//   // ... ip addr add 192.0.2.1/24 dev ktap0; ip link set ktap0 up (the host)
//   ksock::inet::iproute::addr_add(s, 2, ksock::inet::ipv4(192, 0, 2, 2), 24);
//   s.dev_open(2);
//
// Linux hosts only (it needs <linux/if_tun.h>); firmware has its own NIC
// driver. The descriptor is non-blocking: a full socket buffer on the
// kernel's side (EAGAIN, tun's sndbuf) is the transmit ring being full, so
// start_xmit answers busy and the stack keeps the frame queued; a frame the
// kernel refuses for another reason (its interface down: EIO) is lost on
// the wire, as a NIC's frame is when the link partner is off, and counted
// in tx_lost. attach() before open() lets the host configure its interface
// before ksock's device comes up; open() attaches to the name set so far
// (empty: the kernel picks "tap%d") when nobody did.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include <ksock/objects/netdev_features.hpp>
#include <ksock/objects/netdev_frame.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/registry/net_device.hpp>
#include <ksock/uapi/if_arp.hpp>
#include <ksock/uapi/if_ether.hpp>

namespace ksock::drivers {

//! An Ethernet device on a Linux host's TAP interface (/dev/net/tun, IFF_TAP
//!  IFF_NO_PI): one frame per read() or write().
struct tap {
    static constexpr const char* name = "eth0";          //!< the interface's name in ksock
    static constexpr unsigned short type = arphrd_ether; //!< an Ethernet device
    static constexpr unsigned mtu = 1500;                //!< Ethernet's MTU (ETH_DATA_LEN)
    static constexpr unsigned short hard_header_len =
        eth_hlen;                                       //!< the stack builds the Ethernet header
    static constexpr unsigned char addr_len = eth_alen; //!< a 6-byte MAC address
    //! Scatter/gather: a frame is gathered into one write().
    static constexpr netdev_features_t features = netif_f_sg;
    //! ether_setup's DEFAULT_TX_QUEUE_LEN, as a NIC's `qlen 1000`.
    static constexpr unsigned tx_queue_len = 1000;
    //! The largest frame read whole: a host interface may have a larger MTU
    //! than ours; a longer frame is a length error, as on a NIC.
    static constexpr std::size_t max_frame = eth_hlen + 65535;

    //! What the kernel charges for a frame of \p len bytes written into a
    //! TAP with a non-blocking descriptor (tun_build_skb: the frame after
    //! TUN_RX_PAD = NET_SKB_PAD + NET_IP_ALIGN = 64 bytes of headroom, in a
    //! page fragment with the shared info after it; build_skb's truesize
    //! has no kmalloc rounding). ksock plays the kernel's part on the other
    //! end of the same kind of link, so it charges the same.
    static constexpr std::uint32_t rx_truesize(std::size_t len) noexcept {
        return static_cast<std::uint32_t>(((len + 64 + 63) & ~std::size_t{63}) + skb_shinfo_size +
                                          skb_head_overhead);
    }

    tap() noexcept = default;
    tap(const tap&) = delete;
    tap& operator=(const tap&) = delete;
    ~tap() { detach(); }

    //! Create (or join) the host's TAP interface \p ifname: 0 or -errno
    //! (ENAMETOOLONG for a name of IFNAMSIZ or more; EEXIST when already
    //! attached). The kernel's name is kept (ifname() says which).
    int attach(const char* ifname) noexcept {
        if (fd_ >= 0)
            return -EEXIST;
        const std::size_t n = std::strlen(ifname);
        if (n >= static_cast<std::size_t>(IFNAMSIZ))
            return -ENAMETOOLONG;
        const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            return -errno;
        ::ifreq ifr{};
        std::memcpy(ifr.ifr_name, ifname, n);
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
        if (::ioctl(fd, TUNSETIFF, &ifr) != 0) {
            const int e = errno;
            ::close(fd);
            return -e;
        }
        fd_ = fd;
        std::memcpy(ifname_, ifr.ifr_name, IFNAMSIZ);
        ifname_[IFNAMSIZ - 1] = '\0';
        return 0;
    }
    //! Close the descriptor: a TAP nobody made persistent goes away.
    void detach() noexcept {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }
    //! The host interface's name ("" before attach).
    const char* ifname() const noexcept { return ifname_; }
    //! The descriptor, for a program's poll()/epoll (-1 before attach).
    int fd() const noexcept { return fd_; }
    //! ksock's own MAC address; read when the stack registers the device,
    //! so set it before the stack's first call.
    void set_mac(const unsigned char (&mac)[eth_alen]) noexcept {
        std::memcpy(mac_, mac, eth_alen);
    }

    //! Attach to the name set so far, if attach() did not run yet.
    int open() noexcept { return fd_ >= 0 ? 0 : attach(ifname_); }
    //! The interface stays: the host's end of the wire keeps its settings.
    int stop() noexcept { return 0; }
    //! Up while attached to the interface.
    bool carrier() const noexcept { return fd_ >= 0; }
    //! The MAC address (set_mac, or the default).
    const unsigned char* dev_addr() const noexcept { return mac_; }

    //! One write() of the frame; busy when the kernel's queue is full (EAGAIN), lost on another
    //! error.
    netdev_tx start_xmit(const netdev_frame& fr) noexcept {
        const std::size_t n = fr.copy_to(buf_, sizeof buf_);
        const ssize_t w = ::write(fd_, buf_, n);
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            ++tx_busy;
            return netdev_tx::busy;
        }
        if (w != static_cast<ssize_t>(n))
            ++tx_lost;
        else
            ++tx_frames;
        return netdev_tx::ok;
    }

    //! NAPI poll: up to \p budget frames read from the descriptor.
    template <class Sink>
    int poll(Sink& sink, int budget) {
        int done = 0;
        while (fd_ >= 0 && done < budget) {
            // One byte more than the largest frame: a read that fills it
            // was truncated by the kernel (a frame longer than max_frame).
            const ssize_t r = ::read(fd_, buf_, sizeof buf_);
            if (r < 0)
                break; // EAGAIN: nothing more; any other error: the same, now
            ++done;
            const auto len = static_cast<std::size_t>(r);
            if (len > max_frame) {
                sink.rx_error(netdev_rx_error::length);
                continue;
            }
            if (sk_buff* skb = sink.alloc(len)) {
                skb_store_bits(skb, 0, buf_, len);
                sink.receive(skb);
            }
        }
        return done;
    }

    //! The driver's own counts (`ethtool -S`): frames written, refused by a full kernel queue
    //! (busy), lost to an error of the host's interface.
    //!@{
    unsigned long tx_frames = 0;
    unsigned long tx_busy = 0;
    unsigned long tx_lost = 0;
    //!@}

private:
    int fd_ = -1;
    char ifname_[IFNAMSIZ] = {};
    unsigned char mac_[eth_alen] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    unsigned char buf_[max_frame + 1] = {};
};

static_assert(net_device<tap>, "ksock::drivers::tap must be a ksock::net_device");

} // namespace ksock::drivers
