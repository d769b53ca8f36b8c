// ksock/objects/timer.hpp: timer handles as Linux embeds them in sockets
// (struct timer_list, struct hrtimer), with the handler recorded as a kfunc.
#pragma once

#include <cstdint>

#include <ksock/objects/kfunc.hpp>

namespace ksock {

//! struct timer_list (include/linux/timer.h): a jiffies timer embedded in an object, its handler
//! named by a kfunc.
struct timer_list {
    unsigned long expires; //!< when it fires, in jiffies
    kfunc function;        //!< the handler timer_setup() installed
    std::uint8_t pending;  //!< armed and not yet fired
};

//! timer_setup(): install the handler, not armed.
constexpr void timer_setup(timer_list& t, kfunc fn) noexcept {
    t.expires = 0;
    t.function = fn;
    t.pending = 0;
}

//! hrtimer modes that the TCP init path uses (HRTIMER_MODE_ABS_PINNED_SOFT ...).
enum class hrtimer_mode : std::uint8_t { none = 0, abs_pinned_soft, rel_pinned_soft };

//! struct hrtimer (include/linux/hrtimer.h): a high-resolution timer, its handler named by a kfunc.
struct hrtimer {
    std::int64_t expires; //!< when it fires, ns
    kfunc function;       //!< the handler hrtimer_setup() installed
    hrtimer_mode mode;    //!< how it was set up (HRTIMER_MODE_*)
};

//! hrtimer_setup(): install the handler and the mode, not armed.
constexpr void hrtimer_setup(hrtimer& t, kfunc fn, hrtimer_mode m) noexcept {
    t.expires = 0;
    t.function = fn;
    t.mode = m;
}

} // namespace ksock
