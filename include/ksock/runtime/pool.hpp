// ksock/runtime/pool.hpp: a static object pool, ksock's slab cache.
//
// Linux gives every proto a kmem_cache of obj_size objects and sockfs one of
// socket_alloc. Here each is an array of N objects with a bitmap of the used
// slots. Every member starts at zero (no free count, no free list with
// pointers), so a constinit pool lands in .bss and costs no flash. alloc()
// hands out the lowest free slot, zeroed, as kmem_cache_zalloc / sk_alloc's
// __GFP_ZERO do; the caller then applies the defaults.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <ksock/detail/bits.hpp>
#include <ksock/platform.hpp>

namespace ksock {

template <class T, std::size_t N>
class pool {
    static_assert(N > 0, "ksock::pool<T, N>: capacity must be at least 1");
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                  "ksock::pool<T, N>: objects must be trivially copyable (kernel-style PODs)");
    static constexpr std::size_t bits = detail::bits_per_long;
    static constexpr std::size_t words = detail::bits_to_longs(N);

    T slots_[N]{};
    unsigned long used_[words]{};
    std::size_t in_use_ = 0;

public:
    using value_type = T;
    static constexpr std::size_t capacity = N;

    //! A zeroed object, or nullptr when every slot is taken.
    constexpr T* alloc() noexcept {
        // find_first_zero_bit, inline: the pools are searched on every
        // socket() and every skb, and are mostly one word long.
        for (std::size_t w = 0; w < words; ++w) {
            const unsigned long free_bits = ~used_[w];
            if (free_bits == 0)
                continue;
            const std::size_t i = w * bits + platform::ctz(free_bits);
            if (i >= N)
                return nullptr;
            used_[w] |= 1UL << (i % bits);
            ++in_use_;
            // One pass of zeroes: `slots_[i] = T{}` may build a zeroed
            // temporary and copy it. The objects are kernel-style aggregates
            // of integers, enums and pointers, whose zero is all-zero bits.
            if (std::is_constant_evaluated())
                slots_[i] = T{};
            else
                std::memset(static_cast<void*>(&slots_[i]), 0, sizeof(T));
            return &slots_[i];
        }
        return nullptr;
    }

    //! Return \p p to the pool. Precondition: p came from alloc() and is live.
    constexpr void free(T* p) noexcept {
        const std::size_t i = index_of(p);
        used_[i / bits] &= ~(1UL << (i % bits));
        --in_use_;
    }

    constexpr std::size_t index_of(const T* p) const noexcept {
        return static_cast<std::size_t>(p - slots_);
    }
    //! Is \p p one of this pool's slots (live or not)?
    bool owns(const void* p) const noexcept {
        const auto a = reinterpret_cast<std::uintptr_t>(p);
        const auto b = reinterpret_cast<std::uintptr_t>(slots_);
        return a >= b && a < b + sizeof(slots_) && (a - b) % sizeof(T) == 0;
    }
    constexpr bool live(std::size_t i) const noexcept {
        return i < N && detail::test_bit(used_, i);
    }
    constexpr std::size_t in_use() const noexcept { return in_use_; }
    //! The used-slot bitmap agrees with the count, and no bit lies past N.
    constexpr bool consistent() const noexcept {
        const std::size_t n = detail::bitmap_weight(used_, words);
        constexpr std::size_t tail = N % bits;
        if constexpr (tail != 0)
            if (used_[words - 1] >> tail)
                return false;
        return n == in_use_;
    }
    constexpr std::size_t available() const noexcept { return N - in_use_; }
    constexpr T& slot(std::size_t i) noexcept { return slots_[i]; }
};

} // namespace ksock
