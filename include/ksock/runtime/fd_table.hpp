// ksock/runtime/fd_table.hpp: a task's file descriptor table (struct fdtable and the
// allocator of fs/file.c: alloc_fd, put_unused_fd, fd_install, close_fd).
//
// Linux's semantics, with a fixed capacity instead of a growing table:
// lowest free descriptor always (POSIX), found through the open_fds bitmap
// with count-trailing-zeros after skipping full words (full_fds_bits), from
// the next_fd hint (no fd below it is free); a close-on-exec bitmap; and the
// caller's soft limit (RLIMIT_NOFILE) as the end of the search (EMFILE).
// Reserve, then install: a reserved slot has its open bit set and a null file.
//
// A table of one word (64 fds, 32 on a 32-bit target: a firmware's) keeps
// no full_fds_bits: its one word is its own summary.
#pragma once

#include <cstddef>

#include <ksock/detail/bits.hpp>
#include <ksock/platform.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>

namespace ksock {

struct file;

//! struct fdtable (include/linux/fdtable.h) of a fixed capacity \p N: the file of each descriptor
//! and the bitmaps fs/file.c allocates them with.
template <std::size_t N>
struct fdtable {
    static_assert(N > 0, "ksock::fdtable<N>: capacity must be at least 1");
    //! Bits in one bitmap word (BITS_PER_LONG).
    static constexpr std::size_t bits = detail::bits_per_long;
    //! Words in open_fds and close_on_exec.
    static constexpr std::size_t words = detail::bits_to_longs(N);
    static constexpr unsigned max_fds = static_cast<unsigned>(N); //!< the capacity: fds 0 .. N-1
    //! Whether full_fds_bits is kept (more than one word to skip over).
    static constexpr bool keeps_full_bits = words > 1;

    ksock::file* fd[N]{};                 //!< the file of each fd; null when free or only reserved
    unsigned long open_fds[words]{};      //!< a bit per fd: open or reserved
    unsigned long close_on_exec[words]{}; //!< a bit per fd: O_CLOEXEC / FD_CLOEXEC
    //! A bit per open_fds word: that word is full.
    unsigned long full_fds_bits[detail::bits_to_longs(words)]{};
    unsigned next_fd = 0; //!< no fd below it is free (the search starts there)

    //! The bit of fd \p i in its word.
    static constexpr unsigned long bit(unsigned i) noexcept { return 1UL << (i % bits); }
    //! Whether fd \p i is open or reserved.
    constexpr bool fd_is_open(unsigned i) const noexcept {
        return i < N && (open_fds[i / bits] & bit(i));
    }
    //! Whether fd \p i is close-on-exec.
    constexpr bool is_close_on_exec(unsigned i) const noexcept {
        return i < N && (close_on_exec[i / bits] & bit(i));
    }

    //! find_next_fd: the first clear bit of open_fds at or after \p start,
    //! or max_fds. Full words are skipped via full_fds_bits.
    constexpr unsigned find_next_fd(unsigned start) const noexcept {
        return static_cast<unsigned>(
            detail::find_next_zero_bit(open_fds, N, start, [this](std::size_t w) {
                return keeps_full_bits && detail::test_bit(full_fds_bits, w);
            }));
    }
    //! The word of open_fds holding the lowest free fd (at or after
    //! next_fd, since none below it is free), or `words` when none has one.
    constexpr std::size_t lowest_free_word() const noexcept {
        std::size_t w = next_fd / bits;
        if (w >= words || open_fds[w] != ~0UL)
            return w;
        // next_fd's word is full: full_fds_bits skips the full ones after it.
        for (++w; w < words; ++w)
            if (!(keeps_full_bits && detail::test_bit(full_fds_bits, w)) && open_fds[w] != ~0UL)
                break;
        return w;
    }

    //! __set_open_fd: mark fd \p i open (and its word full when it is).
    constexpr void set_open(unsigned i) noexcept {
        open_fds[i / bits] |= bit(i);
        if constexpr (keeps_full_bits)
            if (open_fds[i / bits] == ~0UL)
                full_fds_bits[(i / bits) / bits] |= 1UL << ((i / bits) % bits);
    }
    //! __clear_open_fd: mark fd \p i free.
    constexpr void clear_open(unsigned i) noexcept {
        if constexpr (keeps_full_bits)
            if (open_fds[i / bits] == ~0UL)
                full_fds_bits[(i / bits) / bits] &= ~(1UL << ((i / bits) % bits));
        open_fds[i / bits] &= ~bit(i);
    }
    //! __set_close_on_exec / __clear_close_on_exec on fd \p i.
    constexpr void set_close_on_exec(unsigned i, bool on) noexcept {
        unsigned long& w = close_on_exec[i / bits];
        w = (w & ~bit(i)) | (on ? bit(i) : 0UL);
    }

    //! alloc_fd(start, end, flags): reserve the lowest free fd >= start;
    //! -EMFILE when it would be >= end (the soft limit) or the table is full.
    constexpr int alloc_fd(unsigned start, unsigned end, unsigned flags) noexcept {
        if (start == 0)
            return alloc_lowest_fd(end, flags);
        unsigned i = start > next_fd ? start : next_fd;
        if (i < max_fds)
            i = find_next_fd(i);
        // Linux checks the limit before expand_files(); the table cannot grow
        // past its capacity here, which is what fs.nr_open's EMFILE means.
        if (i >= end || i >= max_fds)
            return -emfile;
        if (start <= next_fd)
            next_fd = i + 1;
        set_open(i);
        set_close_on_exec(i, (flags & static_cast<unsigned>(o_cloexec)) != 0);
        return static_cast<int>(i);
    }

    //! alloc_fd(0, end, flags), what socket() and accept() ask for: the
    //! search starts at next_fd with nothing to mask below it, and works on
    //! the one word it finds (its lowest clear bit is the fd: `x | (x + 1)`
    //! sets it, their difference is its bit).
    constexpr int alloc_lowest_fd(unsigned end, unsigned flags) noexcept {
        const std::size_t w = lowest_free_word();
        if (w >= words)
            return -emfile;
        const unsigned long was = open_fds[w];
        const unsigned long now = was | (was + 1);
        const auto i = static_cast<unsigned>(w * bits + platform::ctz(~was));
        if (i >= end) // end <= max_fds: a full table is EMFILE too
            return -emfile;
        next_fd = i + 1;
        open_fds[w] = now;
        if constexpr (keeps_full_bits)
            if (now == ~0UL)
                full_fds_bits[w / bits] |= 1UL << (w % bits);
        // A free fd's close-on-exec bit is clear (put_unused_fd clears it).
        if (flags & static_cast<unsigned>(o_cloexec))
            close_on_exec[w] |= now ^ was;
        return static_cast<int>(i);
    }

    //! put_unused_fd: give back a reserved, never-installed fd (and its
    //! close-on-exec bit, which alloc_lowest_fd then only has to set).
    constexpr void put_unused_fd(unsigned i) noexcept {
        clear_open(i);
        close_on_exec[i / bits] &= ~bit(i);
        if (i < next_fd)
            next_fd = i;
    }

    //! fd_install: publish \p f in a reserved slot.
    constexpr void fd_install(unsigned i, ksock::file* f) noexcept { fd[i] = f; }

    //! files_lookup_fd: the installed file, or null (fd < 0 reads as huge, as
    //! the kernel's unsigned int fd does).
    constexpr ksock::file* lookup(int i) const noexcept {
        const auto u = static_cast<unsigned>(i);
        return u < max_fds ? fd[u] : nullptr;
    }

    //! file_close_fd_locked: unpublish and release the slot; null if not open.
    constexpr ksock::file* close_fd(int i) noexcept {
        const auto u = static_cast<unsigned>(i);
        if (u >= max_fds || !fd[u])
            return nullptr;
        ksock::file* f = fd[u];
        fd[u] = nullptr;
        put_unused_fd(u);
        return f;
    }

    //! Number of open (reserved or installed) descriptors.
    constexpr unsigned count_open() const noexcept {
        return static_cast<unsigned>(detail::bitmap_weight(open_fds, words));
    }
};

} // namespace ksock
