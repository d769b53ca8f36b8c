// ksock/uapi/if.hpp: struct ifreq, the argument of the device requests of
// ioctl(2) (include/uapi/linux/if.h), with Linux's layout: a device name of
// IFNAMSIZ bytes, then a union whose size is that of its largest member,
// struct ifmap (24 bytes where a long has 8, 16 where it has 4).
#pragma once

#include <ksock/uapi/sockaddr.hpp>

namespace ksock {

//! IFNAMSIZ: a device name with its NUL.
inline constexpr int ifnamsiz = 16;

//! struct ifmap: a device's hardware parameters (SIOCGIFMAP).
struct ifmap {
    unsigned long mem_start;
    unsigned long mem_end;
    unsigned short base_addr;
    unsigned char irq;
    unsigned char dma;
    unsigned char port;
};

//! struct ifreq: the device's name, then the request's value. The members
//! have the kernel's names (<linux/if.h> reaches them through macros:
//! ifr_name is ifr_ifrn.ifrn_name, ifr_data ifr_ifru.ifru_data ...).
struct ifreq {
    union {
        char ifrn_name[ifnamsiz];
    } ifr_ifrn;
    union {
        sockaddr ifru_addr;
        short ifru_flags;
        int ifru_ivalue;
        int ifru_mtu;
        ifmap ifru_map;
        char ifru_slave[ifnamsiz];
        char ifru_newname[ifnamsiz];
        void* ifru_data;
    } ifr_ifru;
};

static_assert(sizeof(ifreq) == ifnamsiz + (sizeof(long) == 8 ? 24 : 16),
              "ksock::ifreq: must have Linux's size (40 bytes on LP64, 32 on ILP32)");

} // namespace ksock
