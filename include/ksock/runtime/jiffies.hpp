// ksock/runtime/jiffies.hpp: ksock's tick (HZ) and the kernel's conversions between
// jiffies and wall-clock units (include/linux/jiffies.h).
#pragma once

#include <cstdint>

namespace ksock {

//! ksock's jiffy: 1 ms (Linux's HZ is a build option; 1000 is the common
//! firmware tick). Every value the UAPI reports is converted back to s/ms/us,
//! so user-visible numbers do not depend on it.
inline constexpr long hz = 1000;

// As Linux's jiffies.h does, the conversions stay in 32 bits whenever HZ
// divides the unit: a Cortex-M then needs no 64-bit division from libgcc.

//! jiffies_to_msecs() / jiffies_to_usecs() for a unit of \p PerSec per second.
template <std::uint32_t PerSec>
constexpr std::uint32_t jiffies_to_units(std::uint32_t j) noexcept {
    if constexpr (PerSec % hz == 0)
        return j * static_cast<std::uint32_t>(PerSec / hz);
    else
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(j) * PerSec / hz);
}
//! msecs_to_jiffies() / usecs_to_jiffies(): round up, as Linux does.
template <std::uint32_t PerSec>
constexpr std::uint64_t units_to_jiffies(std::uint32_t u) noexcept {
    if constexpr (PerSec % hz == 0) {
        constexpr std::uint32_t d = static_cast<std::uint32_t>(PerSec / hz);
        return u / d + (u % d != 0);
    } else {
        return (static_cast<std::uint64_t>(u) * hz + (PerSec - 1)) / PerSec;
    }
}

//! jiffies_to_usecs(): \p j ticks in us.
constexpr std::uint32_t jiffies_to_usecs(std::uint32_t j) noexcept {
    return jiffies_to_units<1000000>(j);
}
//! jiffies_to_msecs(): \p j ticks in ms.
constexpr std::uint32_t jiffies_to_msecs(std::uint32_t j) noexcept {
    return jiffies_to_units<1000>(j);
}
//! msecs_to_jiffies(): \p m ms in ticks, rounded up.
constexpr std::uint64_t msecs_to_jiffies(std::uint32_t m) noexcept {
    return units_to_jiffies<1000>(m);
}
//! usecs_to_jiffies(): \p u us in ticks, rounded up.
constexpr std::uint64_t usecs_to_jiffies(std::uint32_t u) noexcept {
    return units_to_jiffies<1000000>(u);
}

} // namespace ksock
