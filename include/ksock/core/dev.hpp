// ksock/core/dev.hpp: the device layer of net/core/dev.c over the stack's
// devices (Config::devices): their state at registration
// (register_netdevice + the link type's setup: ether_setup, loopback_setup,
// tun's for ARPHRD_NONE).
#pragma once

#include <ksock/objects/net_device_state.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/if_arp.hpp>

namespace ksock {

//! register_netdevice for device \p D as ifindex \p ifindex: its MTU and
//! queue length, the flags of its link type (Ethernet: broadcast and
//! multicast; ARPHRD_NONE: point-to-point without ARP, as a TUN device;
//! lo: loopback, and up, as every host's init brings it up at boot). Every
//! other device starts down, as Linux registers it: dev_open brings it up.
template <class D>
void netdev_register(net_device_state& st, int ifindex) noexcept {
    st = net_device_state{};
    st.ifindex = ifindex;
    st.mtu = D::mtu;
    st.tx_queue_len = D::tx_queue_len;
    skb_queue_head_init(st.qdisc);
    if constexpr (D::type == arphrd_loopback)
        st.flags = iff_loopback | iff_up | iff_running | iff_lower_up;
    else if constexpr (D::type == arphrd_ether)
        st.flags = iff_broadcast | iff_multicast;
    else
        st.flags = iff_pointopoint | iff_noarp | iff_multicast;
}

} // namespace ksock
