// ksock/objects/net_device_state.hpp: what the stack keeps about each of its
// devices (the parts of Linux's struct net_device that are state rather
// than the driver's constants): its ifindex, flags (up, running, lower up),
// MTU, the transmit queue (a pfifo qdisc of tx_queue_len skbs) and the
// counters `ip -s link` and `tc -s qdisc` print.
#pragma once

#include <cstdint>

#include <ksock/objects/sk_buff_head.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/if_link.hpp>

namespace ksock {

//! struct gnet_stats_queue + the backlog, as `tc -s qdisc` reports a pfifo.
struct qdisc_stats {
    std::uint32_t qlen;     //!< skbs waiting
    std::uint32_t backlog;  //!< bytes waiting
    std::uint32_t drops;    //!< refused because the queue was full
    std::uint32_t requeues; //!< offered again after the driver said busy
    std::uint64_t packets;  //!< sent through the queue
    std::uint64_t bytes;    //!< bytes sent through the queue
};

//! What the families hear of a device (NETDEV_UP, NETDEV_DOWN, NETDEV_CHANGE
//! on the netdevice notifier chain).
enum class netdev_event : std::uint8_t {
    up,     //!< dev_open: IFF_UP set
    down,   //!< dev_close: IFF_UP cleared
    change, //!< the carrier came or went
};

//! The state the stack keeps about one device (the parts of struct net_device that change:
//! include/linux/netdevice.h), beside the driver that serves it.
struct net_device_state {
    int ifindex;                    //!< the device's index in its namespace (dev->ifindex, 1 is lo)
    unsigned short type;            //!< ARPHRD_* (the driver's)
    unsigned short hard_header_len; //!< the driver's
    unsigned char addr_len;         //!< the driver's
    //! dev->dev_addr: the driver's hardware address, read at registration
    //! and again each time the device is opened (a driver may learn it then).
    unsigned char dev_addr[8];
    unsigned flags;        //!< IFF_* (uapi/if.hpp): IFF_UP, IFF_RUNNING, IFF_LOWER_UP ...
    unsigned mtu;          //!< the MTU, bytes of IP packet (dev->mtu)
    unsigned tx_queue_len; //!< the pfifo's limit (`ip link set ... txqueuelen`)
    //! The qdisc's queue: skbs the driver has not taken yet, the first one
    //! the one it refused last (busy).
    sk_buff_head qdisc;
    qdisc_stats qstats;      //!< the qdisc's counters (`tc -s qdisc`)
    rtnl_link_stats64 stats; //!< the device's counters (`ip -s link`)
};

} // namespace ksock
