// ksock/registry/ranged_lookup.hpp: the lookup of a family whose protocols
// are numbered 0 .. NProto-1 (inet_create's and can_create's first steps):
// a protocol outside that range is EINVAL, anything else is protosw_lookup's.
#pragma once

#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/errno.hpp>

namespace ksock {

//! A create policy's lookup, to derive from: `struct can_create :
//! ranged_lookup<CAN_NPROTO> { ... create ... };`.
template <int NProto>
struct ranged_lookup {
    static_assert(NProto > 0, "ksock::ranged_lookup<NProto>: NProto must be positive (the "
                              "protocols are 0 .. NProto-1)");

    //! Constexpr: socket<F,T,P>() resolves with it at compile time too.
    static constexpr resolution lookup(const protosw_desc* entries, int n, int type,
                                       int protocol) noexcept {
        if (protocol < 0 || protocol >= NProto)
            return {-einval, -1, type, protocol};
        return protosw_lookup(entries, n, type, protocol);
    }
};

} // namespace ksock
