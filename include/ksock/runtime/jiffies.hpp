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

constexpr std::uint32_t jiffies_to_usecs(std::uint32_t j) noexcept {
    if constexpr (1000000 % hz == 0)
        return j * static_cast<std::uint32_t>(1000000 / hz);
    else
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(j) * 1000000u / hz);
}
constexpr std::uint32_t jiffies_to_msecs(std::uint32_t j) noexcept {
    if constexpr (1000 % hz == 0)
        return j * static_cast<std::uint32_t>(1000 / hz);
    else
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(j) * 1000u / hz);
}
//! msecs_to_jiffies() / usecs_to_jiffies(): round up, as Linux does.
constexpr std::uint64_t msecs_to_jiffies(std::uint32_t m) noexcept {
    if constexpr (1000 % hz == 0) {
        constexpr std::uint32_t d = static_cast<std::uint32_t>(1000 / hz);
        return m / d + (m % d != 0);
    } else {
        return (static_cast<std::uint64_t>(m) * hz + 999u) / 1000u;
    }
}
constexpr std::uint64_t usecs_to_jiffies(std::uint32_t u) noexcept {
    if constexpr (1000000 % hz == 0) {
        constexpr std::uint32_t d = static_cast<std::uint32_t>(1000000 / hz);
        return u / d + (u % d != 0);
    } else {
        return (static_cast<std::uint64_t>(u) * hz + 999999u) / 1000000u;
    }
}

} // namespace ksock
