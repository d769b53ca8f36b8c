// ksock/objects/spinlock.hpp: the lock words Linux embeds in socket objects
// (spinlock_t, rwlock_t, struct mutex).
//
// ksock's real locking is a stack policy (see stack_config); these words keep
// the objects' shape and record that the creation path initialised them, as
// spin_lock_init() does, so tests can check it.
#pragma once

#include <cstdint>

namespace ksock {

//! spinlock_t: the lock word as the creation path leaves it (ksock's real locking is the stack's
//! lock policy).
struct spinlock_t {
    std::uint8_t initialised; //!< set by spin_lock_init()
    std::uint8_t locked;      //!< held: always 0, the stack's lock policy locks instead
};

//! spin_lock_init(): initialised and not held.
constexpr void spin_lock_init(spinlock_t& l) noexcept {
    l.initialised = 1;
    l.locked = 0;
}

using rwlock_t = spinlock_t; //!< the same word: rwlock_init() leaves the same state
using mutex_t = spinlock_t;  //!< the same word: mutex_init() leaves the same state

} // namespace ksock
