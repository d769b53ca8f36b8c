// ksock/inet/ip/rt_cache_flush.hpp: rt_cache_flush (net/ipv4/route.c): a
// change that may give a destination another route (an address, a route,
// a device going up or down or losing its carrier) starts a new
// generation, and every route a socket cached before it is stale
// (dst_cache.hpp checks it before each use).
#pragma once

#include <ksock/inet/netns_ipv4_tables.hpp>

namespace ksock::inet {

//! rt_cache_flush -> rt_genid_bump_ipv4: the next generation (never 0, the
//! generation of a slot never used). Nothing to do for a stack that caches
//! no routes (lo alone).
template <class Ctx>
void rt_cache_flush(Ctx& ctx) noexcept {
    if constexpr (inet_config<typename Ctx::config>::dst_entries > 0) {
        auto& t = ipv4_tables(ctx);
        if (!++t.rt_genid)
            t.rt_genid = 1;
    } else {
        (void)ctx;
    }
}

} // namespace ksock::inet
