// ksock/posix/addrinfo_pool.hpp: where getaddrinfo's results live. glibc
// mallocs each result; ksock has no heap, so the results are blocks of a
// fixed pool in static storage (.bss), each an addrinfo, its sockaddr_in and
// room for a bounded canonical name. getaddrinfo takes the blocks of one
// answer together, freeaddrinfo gives them back; both under the layer's lock
// (current_stack.hpp). A program that holds every block gets EAI_MEMORY, the
// code glibc gives for a failed allocation.
//
// The sizes are the program's, set like KSOCK_POSIX_STACK (the same for
// every file, the functions being inline):
//   -DKSOCK_POSIX_ADDRINFO_BLOCKS=n  results held at once, over all the
//        lists not yet freed (default 8: a query naming no socket type
//        answers 3, so two such answers and a hinted one fit);
//   -DKSOCK_POSIX_CANONNAME_MAX=n  the bytes of a canonical name with its
//        NUL (default 64); a longer one is EAI_MEMORY, as glibc's copy of
//        it failing would be.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <ksock/policy/lock.hpp>
#include <ksock/posix/addrinfo.hpp>
#include <ksock/posix/current_stack.hpp>
#include <ksock/uapi/in.hpp>

#ifndef KSOCK_POSIX_ADDRINFO_BLOCKS
#define KSOCK_POSIX_ADDRINFO_BLOCKS 8
#endif
#ifndef KSOCK_POSIX_CANONNAME_MAX
#define KSOCK_POSIX_CANONNAME_MAX 64
#endif

namespace ksock::posix {

//! getaddrinfo's results held at once (KSOCK_POSIX_ADDRINFO_BLOCKS).
inline constexpr std::size_t addrinfo_blocks = KSOCK_POSIX_ADDRINFO_BLOCKS;
//! A canonical name's room, its NUL included (KSOCK_POSIX_CANONNAME_MAX).
inline constexpr std::size_t canonname_max = KSOCK_POSIX_CANONNAME_MAX;

namespace detail {

//! One result: the addrinfo first, so a result's address is its block's.
struct addrinfo_block {
    addrinfo ai;
    sockaddr_in sin;
    char canonname[canonname_max > 0 ? canonname_max : 1];
};

//! The pool: the blocks and which of them a caller holds. All zero at
//! first, so constant-initialized into .bss.
class addrinfo_pool {
public:
    constexpr addrinfo_pool() noexcept = default;
    addrinfo_pool(const addrinfo_pool&) = delete;
    addrinfo_pool& operator=(const addrinfo_pool&) = delete;

    //! \p n blocks, cleared and linked through ai_next (each ai_addr its
    //! own sockaddr_in), or null and none taken when fewer are free: one
    //! answer is all or nothing, so a failed call leaves nothing behind.
    addrinfo* take(std::size_t n) noexcept {
        lock_guard g(layer_lock);
        if (n == 0 || n > free_locked())
            return nullptr;
        addrinfo* head = nullptr;
        addrinfo** tail = &head;
        for (std::size_t i = 0; i < blocks_.size() && n > 0; ++i) {
            if (used_[i])
                continue;
            used_[i] = true;
            --n;
            addrinfo_block& b = blocks_[i];
            b = addrinfo_block{};
            b.ai.ai_addr = reinterpret_cast<sockaddr*>(&b.sin);
            *tail = &b.ai;
            tail = &b.ai.ai_next;
        }
        return head;
    }

    //! The blocks of \p list back to the pool (freeaddrinfo). A pointer
    //! that is no block of the pool, or one already free, is left alone:
    //! freeing it is undefined in glibc, and here harmless.
    void give_back(addrinfo* list) noexcept {
        lock_guard g(layer_lock);
        while (list != nullptr) {
            addrinfo* next = list->ai_next;
            const std::size_t i = index_of(list);
            if (i < blocks_.size() && used_[i]) {
                blocks_[i].ai.ai_next = nullptr;
                used_[i] = false;
            }
            list = next;
        }
    }

    //! The blocks nobody holds.
    std::size_t free_blocks() noexcept {
        lock_guard g(layer_lock);
        return free_locked();
    }

    //! The canonical name's room of the block that holds \p ai.
    static char* canonname_of(addrinfo* ai) noexcept {
        return reinterpret_cast<addrinfo_block*>(ai)->canonname;
    }

private:
    std::size_t free_locked() const noexcept {
        std::size_t n = 0;
        for (bool u : used_)
            n += u ? 0 : 1;
        return n;
    }
    //! The index of the block at \p ai, or size() for an address that is no
    //! block's (compared as integers: pointers into different objects have
    //! no order in C++).
    std::size_t index_of(const addrinfo* ai) const noexcept {
        const auto first = reinterpret_cast<std::uintptr_t>(blocks_.data());
        const auto at = reinterpret_cast<std::uintptr_t>(ai);
        if (at < first || (at - first) % sizeof(addrinfo_block) != 0)
            return blocks_.size();
        const std::size_t i = (at - first) / sizeof(addrinfo_block);
        return i < blocks_.size() ? i : blocks_.size();
    }

    std::array<addrinfo_block, addrinfo_blocks> blocks_{};
    std::array<bool, addrinfo_blocks> used_{};
};

//! The program's one pool.
inline addrinfo_pool addrinfo_results{};

} // namespace detail

//! getaddrinfo's result blocks no list holds now (for tests and for a
//! program that sizes KSOCK_POSIX_ADDRINFO_BLOCKS).
inline std::size_t addrinfo_blocks_free() noexcept {
    return detail::addrinfo_results.free_blocks();
}

//! The static RAM the results pool takes, in bytes.
inline constexpr std::size_t addrinfo_pool_ram = sizeof(detail::addrinfo_pool);

} // namespace ksock::posix
