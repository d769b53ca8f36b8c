// ksock/objects/timer.hpp: timer handles as Linux embeds them in sockets
// (struct timer_list, struct hrtimer), with the handler recorded as a kfunc.
#pragma once

#include <cstdint>

#include <ksock/objects/kfunc.hpp>

namespace ksock {

struct timer_list {
    unsigned long expires;
    kfunc function; //!< the handler timer_setup() installed
    std::uint8_t pending;
};

//! timer_setup(): install the handler, not armed.
constexpr void timer_setup(timer_list& t, kfunc fn) noexcept {
    t.expires = 0;
    t.function = fn;
    t.pending = 0;
}

//! hrtimer modes that the TCP init path uses (HRTIMER_MODE_ABS_PINNED_SOFT ...).
enum class hrtimer_mode : std::uint8_t { none = 0, abs_pinned_soft, rel_pinned_soft };

struct hrtimer {
    std::int64_t expires;
    kfunc function;
    hrtimer_mode mode;
};

constexpr void hrtimer_setup(hrtimer& t, kfunc fn, hrtimer_mode m) noexcept {
    t.expires = 0;
    t.function = fn;
    t.mode = m;
}

} // namespace ksock
