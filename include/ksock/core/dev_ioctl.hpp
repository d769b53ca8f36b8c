// ksock/core/dev_ioctl.hpp: the device requests that ioctl(2) on a socket
// hands to the namespace's devices (net/core/dev_ioctl.c): get_user_ifreq,
// and dev_ioctl for the drivers' private requests, SIOCDEVPRIVATE to
// SIOCDEVPRIVATE + 15, which sock_ioctl sends there before any other
// handler sees them, whatever the socket's family.
//
// The namespace's devices are the stack's Config::devices. No driver
// answers a private request (the net_device concept has no
// ndo_siocdevprivate, as Linux's loopback_ops have none).
#pragma once

#include <cstring>

#include <ksock/core/uaccess.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/ioctls.hpp>

namespace ksock {

//! Is \p cmd one of SIOCDEVPRIVATE .. SIOCDEVPRIVATE + 15?
constexpr bool is_siocdevprivate(unsigned long cmd) noexcept {
    return cmd - siocdevprivate <= 15;
}

//! get_user_ifreq: the caller's whole struct ifreq, whatever the request
//! will read of it; EFAULT when it cannot be read.
inline int get_user_ifreq(ifreq& ifr, const void* arg) noexcept {
    return copy_from_user(&ifr, arg, sizeof ifr) ? 0 : -efault;
}

//! __dev_get_by_name: does \p name (NUL-terminated) name one of the
//! devices \p Ds (Config::devices)?
template <class... Ds>
bool dev_get_by_name(type_list<Ds...>, [[maybe_unused]] const char* name) noexcept {
    return ((std::strcmp(name, Ds::name) == 0) || ...);
}

//! dev_ioctl for a private request to one of \p Devices (a type_list):
//! the name ends at IFNAMSIZ - 1 bytes and at a colon (an alias, "lo:1",
//! is its device's), then dev_ifsioc: ENODEV when no device has that name,
//! else dev_siocdevprivate, where no driver has ndo_siocdevprivate nor
//! ndo_do_ioctl: EOPNOTSUPP. Only a request that succeeds copies the ifreq
//! back, so the caller's buffer is never written. (dev_load would try to
//! load a module "netdev-<name>" first: there are no modules.)
template <class Devices>
int dev_ioctl_private(Devices devices, ifreq& ifr) noexcept {
    char* name = ifr.ifr_ifrn.ifrn_name;
    name[ifnamsiz - 1] = '\0';
    if (char* colon = std::strchr(name, ':'))
        *colon = '\0';
    if (!dev_get_by_name(devices, name))
        return -enodev;
    return -eopnotsupp;
}

} // namespace ksock
