// ksock/runtime/pool.hpp: a static object pool, ksock's slab cache.
//
// Linux gives every proto a kmem_cache of obj_size objects and sockfs one of
// socket_alloc. Here each is an array of N objects with a bitmap of the
// *free* slots. Every member starts at zero, so a constinit pool lands in
// .bss and costs no flash; and a zero bitmap has no free slot: the cache is
// not created yet, as before Linux's initcalls run kmem_cache_create. A
// stack creates its caches when it boots (create()), which is what lets
// socket() go without a boot test of its own: on a stack that has not
// booted, the socket cache is empty, and only that failure asks whether
// the stack has booted (kernel/sock_create.hpp).
//
// The free bitmap also makes the hand-out cheap: the lowest set bit is the
// slot, no bit past N is ever set (no bound check), and clearing it is one
// operation. take() hands out a slot as it was left (the caller writes
// every byte: an object built from its proto's image); alloc() zeroes it
// first, as kmem_cache_zalloc / sk_alloc's __GFP_ZERO do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <ksock/detail/bits.hpp>
#include <ksock/platform.hpp>

namespace ksock {

//! A static pool of \p N objects of \p T with a bitmap of the free slots: ksock's kmem_cache (see
//! the file's comment).
template <class T, std::size_t N>
class pool {
    static_assert(N > 0, "ksock::pool<T, N>: capacity must be at least 1");
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                  "ksock::pool<T, N>: objects must be trivially copyable (kernel-style PODs)");
    static constexpr std::size_t bits = detail::bits_per_long;
    static constexpr std::size_t words = detail::bits_to_longs(N);
    //! The free bits of word \p w when every slot is free.
    static constexpr unsigned long full_word(std::size_t w) noexcept {
        return w + 1 < words || N % bits == 0 ? ~0UL : (1UL << (N % bits)) - 1;
    }

    T slots_[N]{};
    unsigned long free_[words]{};
    bool created_ = false;

public:
    using value_type = T;                      //!< the object type
    static constexpr std::size_t capacity = N; //!< slots in the pool
    //! take_index()'s answer when no slot is free.
    static constexpr std::size_t none = ~std::size_t{0};

    //! kmem_cache_create: every slot free. Idempotent only on an unused pool.
    constexpr void create() noexcept {
        for (std::size_t w = 0; w < words; ++w)
            free_[w] = full_word(w);
        created_ = true;
    }
    //! Create() has run: the slots can be handed out.
    constexpr bool created() const noexcept { return created_; }

    //! The lowest free slot's index, now in use, its contents as they were;
    //! `none` when every slot is taken or the pool was never created.
    KSOCK_ALWAYS_INLINE constexpr std::size_t take_index() noexcept {
        // find_first_bit, inline: the pools are searched on every socket()
        // and every skb, and are mostly one word long.
        for (std::size_t w = 0; w < words; ++w) {
            const unsigned long f = free_[w];
            if (f == 0)
                continue;
            free_[w] = f & (f - 1); // the lowest set bit, cleared
            return w * bits + platform::ctz(f);
        }
        return none;
    }
    //! take_index() as an object (null when none is free).
    KSOCK_ALWAYS_INLINE constexpr T* take() noexcept {
        const std::size_t i = take_index();
        return i == none ? nullptr : &slots_[i];
    }

    //! A zeroed object, or nullptr when every slot is taken.
    constexpr T* alloc() noexcept {
        T* p = take();
        if (!p)
            return nullptr;
        // One pass of zeroes: `*p = T{}` may build a zeroed temporary and
        // copy it. The objects are kernel-style aggregates of integers,
        // enums and pointers, whose zero is all-zero bits.
        if (std::is_constant_evaluated())
            *p = T{};
        else
            std::memset(static_cast<void*>(p), 0, sizeof(T));
        return p;
    }

    //! Return slot \p i. Precondition: it is live.
    constexpr void free_index(std::size_t i) noexcept {
        if constexpr (words == 1)
            free_[0] |= 1UL << i;
        else
            free_[i / bits] |= 1UL << (i % bits);
    }
    //! Return \p p to the pool. Precondition: p came from take() / alloc()
    //! and is live.
    constexpr void free(T* p) noexcept { free_index(index_of(p)); }

    //! The slot's index: an exact division, which compilers turn into a
    //! shift and a multiplication by the inverse of the object size.
    constexpr std::size_t index_of(const T* p) const noexcept {
        return static_cast<std::size_t>(p - slots_);
    }
    //! Is \p p one of this pool's slots (live or not)?
    bool owns(const void* p) const noexcept {
        const auto a = reinterpret_cast<std::uintptr_t>(p);
        const auto b = reinterpret_cast<std::uintptr_t>(slots_);
        return a >= b && a < b + sizeof(slots_) && (a - b) % sizeof(T) == 0;
    }
    constexpr bool live(std::size_t i) const noexcept { //!< slot \p i is handed out
        return created_ && i < N && !detail::test_bit(free_, i);
    }
    //! Free slots.
    constexpr std::size_t available() const noexcept { return detail::bitmap_weight(free_, words); }
    //! Handed-out slots.
    constexpr std::size_t in_use() const noexcept { return created_ ? N - available() : 0; }
    //! No slot in use (cheaper than in_use() == 0 on a hot path).
    constexpr bool unused() const noexcept {
        if (!created_)
            return true;
        for (std::size_t w = 0; w < words; ++w)
            if (free_[w] != full_word(w))
                return false;
        return true;
    }
    //! No bit lies past N, and an uncreated pool has no free slot.
    constexpr bool consistent() const noexcept {
        for (std::size_t w = 0; w < words; ++w)
            if ((free_[w] & ~full_word(w)) != 0 || (!created_ && free_[w] != 0))
                return false;
        return true;
    }
    //! Slot \p i, live or not.
    //!@{
    constexpr T& slot(std::size_t i) noexcept { return slots_[i]; }
    constexpr const T& slot(std::size_t i) const noexcept { return slots_[i]; }
    //!@}
};

} // namespace ksock
