// ksock/platform.hpp: every compiler builtin and attribute ksock uses, in one
// place, so that a port to another compiler edits this file and no other.
//
// ksock needs GCC or Clang (both are what firmware toolchains ship): the
// builtins below exist in both. std::atomic is avoided on purpose: <atomic>
// costs about a quarter of a second of compile time in C++20 mode, and the
// stack needs only a flag.
#pragma once

// Below C++20 nothing of ksock compiles: say so once, and stop. GCC and
// Clang go on after an #error, into hundreds of errors in C++20 code; a
// missing header is fatal to both, so the include below ends the compile.
#if __cplusplus < 202002L
#error                                                                                             \
    "ksock needs C++20: compile with -std=c++20 or later (CMake: cxx_std_20, which ksock::ksock sets)"
#include <ksock/compilation-stops-here-below-cxx20>
#endif

#if !defined(__GNUC__)
#error "ksock needs GCC or Clang (GNU builtins and attributes): port ksock/platform.hpp"
#endif

//! A branch the hot path takes (or not).
#define KSOCK_LIKELY(x) __builtin_expect(!!(x), 1)
#define KSOCK_UNLIKELY(x) __builtin_expect(!!(x), 0)
//! Out of line, and out of the hot code's way (the first call's boot work).
#define KSOCK_NOINLINE [[gnu::noinline]]
#define KSOCK_COLD [[gnu::cold]]
//! Inlined whatever the optimiser thinks: the dispatch switch of an
//! operation belongs in the operation. Not when optimising for size (-Os,
//! the firmware builds): there the compiler's judgement of size decides,
//! and the forced copies of the hot paths would cost flash.
#if defined(__OPTIMIZE_SIZE__)
#define KSOCK_ALWAYS_INLINE
#else
#define KSOCK_ALWAYS_INLINE [[gnu::always_inline]]
#endif
//! A place no valid index reaches (after a switch over every entry).
#define KSOCK_UNREACHABLE() __builtin_unreachable()

#include <cstddef>

namespace ksock::platform {

//! Count trailing zeros of a non-zero word (the bitmap searches).
inline constexpr unsigned ctz(unsigned long w) noexcept {
    return static_cast<unsigned>(__builtin_ctzl(w));
}
//! Bits set in a word.
inline constexpr unsigned popcount(unsigned long w) noexcept {
    return static_cast<unsigned>(__builtin_popcountl(w));
}

//! The target exchanges a byte atomically without a library call (an
//! instruction sequence such as LDREXB/STREXB on ARMv7-M). ARMv6-M (Cortex-M0
//! and M0+) has no such instruction: GCC and Clang call __sync_* / __atomic_*
//! functions there, which bare-metal libraries provide, if at all, by masking
//! interrupts, so nothing built on the builtins below is lock-free there.
inline constexpr bool byte_atomics_lock_free = __GCC_ATOMIC_BOOL_LOCK_FREE == 2;

//! Atomic accesses to one flag or word, with the ordering named (GCC's
//! __atomic builtins: relaxed load, acquire load, release store).
//!@{
template <class T>
inline T load_relaxed(const T* p) noexcept {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}
template <class T>
inline T load_acquire(const T* p) noexcept {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
template <class T>
inline void store_release(T* p, T v) noexcept {
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
//!@}
//! Set a byte flag, returning its previous value (acquire).
inline bool test_and_set_acquire(bool* p) noexcept {
    return __atomic_test_and_set(p, __ATOMIC_ACQUIRE);
}
//! Clear a byte flag (release).
inline void clear_release(bool* p) noexcept {
    __atomic_clear(p, __ATOMIC_RELEASE);
}

//! Copy an object of \p n bytes with the C library's memcpy, even when n is
//! a constant: compilers expand a constant-size copy inline, which for a
//! socket object (up to 1.3 KiB) is `rep movsq` on x86-64, one instruction
//! per 8 bytes, where the library's copy moves 32 or 64 bytes at a time.
inline void copy_bytes(void* dst, const void* src, std::size_t n) noexcept {
    asm("" : "+r"(n)); // n is no longer a constant to the compiler
    __builtin_memcpy(dst, src, n);
}

//! A run-time check failed (a layout cast on the wrong object): stop here.
[[noreturn]] inline void trap() noexcept {
    __builtin_trap();
}

} // namespace ksock::platform
