// ksock/unix/netns_unix.hpp: PF_UNIX's part of a network namespace (Linux's
// struct netns_unix): the net.unix.* sysctls. PF_UNIX declares it as its
// pernet_type; reach it with unix_net(ctx) or unix_net(stack).
#pragma once

namespace ksock::unix_domain {

//! net.unix.*
struct unix_sysctl {
    //! /proc/sys/net/unix/max_dgram_qlen: a datagram socket's receive queue limit.
    int max_dgram_qlen = 10;

    //! Equal when every sysctl is.
    friend constexpr bool operator==(const unix_sysctl&, const unix_sysctl&) = default;
};

//! struct netns_unix.
struct netns_unix {
    unix_sysctl sysctl; //!< net.unix.*
};

//! The netns_unix of a stack or of the context a proto is handed.
template <class C>
constexpr netns_unix& unix_net(C& c) noexcept {
    return c.template pernet<netns_unix>();
}

} // namespace ksock::unix_domain
