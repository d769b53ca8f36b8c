// ksock/uapi/if.hpp: a network device as user space sees it (include/uapi/
// linux/if.h): its flags (IFF_*, as SIOCGIFFLAGS and `ip link` show them),
// and struct ifreq, the argument of the device requests of ioctl(2), with
// Linux's layout: a device name of IFNAMSIZ bytes, then a union whose size
// is that of its largest member, struct ifmap (24 bytes where a long has
// 8, 16 where it has 4).
#pragma once

#include <ksock/uapi/sockaddr.hpp>

namespace ksock {

//! IFNAMSIZ: a device name with its NUL.
inline constexpr int ifnamsiz = 16;

//! The device flags (enum net_device_flags, include/uapi/linux/if.h): what SIOCGIFFLAGS and `ip
//! link` show.
//!@{
inline constexpr unsigned iff_up = 1u << 0;        //!< administratively up
inline constexpr unsigned iff_broadcast = 1u << 1; //!< broadcast address valid
inline constexpr unsigned iff_debug = 1u << 2;
inline constexpr unsigned iff_loopback = 1u << 3;
inline constexpr unsigned iff_pointopoint = 1u << 4;
inline constexpr unsigned iff_notrailers = 1u << 5;
inline constexpr unsigned iff_running = 1u << 6; //!< operationally up (RFC 2863)
inline constexpr unsigned iff_noarp = 1u << 7;   //!< no ARP protocol
inline constexpr unsigned iff_promisc = 1u << 8;
inline constexpr unsigned iff_allmulti = 1u << 9;
inline constexpr unsigned iff_multicast = 1u << 12;
inline constexpr unsigned iff_lower_up = 1u << 16; //!< the driver signals L1 up (carrier)
inline constexpr unsigned iff_dormant = 1u << 17;
//!@}

//! struct ifmap: a device's hardware parameters (SIOCGIFMAP).
struct ifmap {
    unsigned long mem_start;  //!< start of the shared memory (unused by ksock's drivers: 0)
    unsigned long mem_end;    //!< end of the shared memory
    unsigned short base_addr; //!< I/O base address
    unsigned char irq;        //!< interrupt number
    unsigned char dma;        //!< DMA channel
    unsigned char port;       //!< port or medium select
};

//! struct ifreq: the device's name, then the request's value. The members
//! have the kernel's names (<linux/if.h> reaches them through macros:
//! ifr_name is ifr_ifrn.ifrn_name, ifr_data ifr_ifru.ifru_data ...).
struct ifreq {
    union {
        char ifrn_name[ifnamsiz];
    } ifr_ifrn; //!< the device's name (IFNAMSIZ bytes with the NUL)
    union {
        sockaddr ifru_addr;
        short ifru_flags;
        int ifru_ivalue;
        int ifru_mtu;
        ifmap ifru_map;
        char ifru_slave[ifnamsiz];
        char ifru_newname[ifnamsiz];
        void* ifru_data;
    } ifr_ifru; //!< the request's value: an address, the flags, the MTU, an index, a pointer
};

static_assert(sizeof(ifreq) == ifnamsiz + (sizeof(long) == 8 ? 24 : 16),
              "ksock::ifreq: must have Linux's size (40 bytes on LP64, 32 on ILP32)");

} // namespace ksock
