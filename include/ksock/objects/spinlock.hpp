// ksock/objects/spinlock.hpp: the lock words Linux embeds in socket objects
// (spinlock_t, rwlock_t, struct mutex).
//
// ksock's real locking is a stack policy (see stack_config); these words keep
// the objects' shape and record that the creation path initialised them, as
// spin_lock_init() does, so tests can check it.
#pragma once

#include <cstdint>

namespace ksock {

struct spinlock_t {
    std::uint8_t initialised; //!< set by spin_lock_init()
    std::uint8_t locked;
};

constexpr void spin_lock_init(spinlock_t& l) noexcept {
    l.initialised = 1;
    l.locked = 0;
}

using rwlock_t = spinlock_t;
using mutex_t = spinlock_t;

} // namespace ksock
