// ksock/core/sk_release_ops.hpp: the release op of a family whose socket
// needs nothing at release but its proto's close: sk->sk_prot->close, then
// the socket forgets its sock (inet_release's steps, without SO_LINGER's
// timeout).
#pragma once

#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/proto_ops.hpp>

namespace ksock {

//! A proto_ops mixin: `struct can_raw_ops : sk_release_ops { ... };`.
struct sk_release_ops {
    //! The sock goes through Entry::prot::close (for most protos
    //! sk_common_release); a socket without one has nothing to release.
    template <class Entry, class Ctx>
    static int release(Ctx& ctx, ksock::socket& so) {
        if (sock* sk = so.sk) {
            Entry::prot::close(ctx, *sk, 0);
            so.sk = nullptr;
        }
        return 0;
    }
};
static_assert(proto_ops<sk_release_ops>, "ksock::sk_release_ops must model ksock::proto_ops");

} // namespace ksock
