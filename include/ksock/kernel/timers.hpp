// ksock/kernel/timers.hpp: the stack's clock. A firmware's tick (or a test)
// advances jiffies; the protos then run the timers that expired (TIME_WAIT,
// orphans), as the kernel's timer softirq would.
#pragma once

#include <ksock/detail/type_list.hpp>
#include <ksock/registry/proto.hpp>
#include <ksock/runtime/jiffies.hpp>

namespace ksock::kernel {

//! Advance the clock by \p ms milliseconds and run every proto's timers.
template <class K>
inline void run_timers(K& k, unsigned long ms) {
    k.jiffies_ += ms * static_cast<unsigned long>(hz) / 1000u;
    ksock::detail::for_each_type(typename K::protos{}, [&]<class P>() {
        if constexpr (proto_has_timers<P, K>)
            P::on_tick(k);
    });
}

} // namespace ksock::kernel
