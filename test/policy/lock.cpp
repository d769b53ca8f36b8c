// test/policy/lock.cpp: the lock_policy concept. Every system call holds the
// stack lock (lock_guard), so a Config::lock without lock() or unlock() is
// refused (test/fail/stack/lock_not_policy.cpp); here: the minimal model and
// the library's locks model it, near-misses do not. std::mutex, which the
// target's C++ library lacks, is checked in policy/condvar_wait.cpp (host).
#include <doctest/doctest.h>

#include <ksock/policy/lock.hpp>

#include "support/static_require.hpp"

namespace {

using namespace ksock;

struct minimal_lock {
    int depth = 0;
    void lock() { ++depth; }
    void unlock() { --depth; }
};
struct lock_only {
    void lock() {}
};
struct unlock_only {
    void unlock() {}
};
//! lock() that needs an argument cannot be called as l.lock().
struct lock_with_argument {
    void lock(int) {}
    void unlock() {}
};

} // namespace

TEST_CASE("lock_policy: the minimal model, no_lock, spinlock") {
    STATIC_REQUIRE(lock_policy<minimal_lock>);
    STATIC_REQUIRE(lock_policy<no_lock>);
    STATIC_REQUIRE(lock_policy<spinlock>);
}

TEST_CASE("spinlock: lock-free on the targets ksock is built and tested for") {
    // x86-64 (the host) and ARMv7-M / ARMv7E-M (the Cortex-M3 and M4F presets)
    // exchange a byte without a library call; ARMv6-M does not, and there
    // spinlock does not compile (test/fail/policy/spinlock_not_lock_free.cpp).
#if defined(__x86_64__) || defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
    STATIC_REQUIRE(platform::byte_atomics_lock_free);
#endif
    spinlock l;
    l.lock();
    l.unlock();
    l.lock();
    l.unlock();
}

TEST_CASE("lock_policy: a missing member or a wrong signature is refused") {
    STATIC_REQUIRE(!lock_policy<lock_only>);
    STATIC_REQUIRE(!lock_policy<unlock_only>);
    STATIC_REQUIRE(!lock_policy<lock_with_argument>);
    STATIC_REQUIRE(!lock_policy<int>);
}

TEST_CASE("lock_guard: holds the lock for its scope") {
    minimal_lock l;
    {
        lock_guard g(l);
        CHECK(l.depth == 1);
    }
    CHECK(l.depth == 0);
}
