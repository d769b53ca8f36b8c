// bench/floor.hpp: the floor of socket() + close() for a static-pool stack,
// written by hand: what any implementation with static pools must do and
// nothing more, so that the report can say how far ksock is from it.
//
// socket(): a descriptor from a bitmap (lowest free), a socket_alloc, a
// file and the proto's object each from a bitmap pool, each object a copy
// of a prebuilt constant image (ksock's own images, the same bytes ksock
// copies) with its pointers fixed (queue heads, socket <-> sock, file ->
// socket). close(): the same undone. No argument checks, no lookup (the
// caller names the proto), no sysctls, no credentials, no counters, no
// state machine, no trace: one function per proto, inlined into the loop.
// The objects are ksock's types, so the bytes moved are the same.
#pragma once

#include <cstddef>
#include <cstring>

#include <ksock/ksock.hpp>

namespace kbench::floor {

//! A pool of N objects with a bitmap of free slots (1 = free).
template <class T, std::size_t N>
struct bitmap_pool {
    static constexpr std::size_t words = (N + 63) / 64;
    T slot[N];
    unsigned long free_bits[words];

    void create() {
        for (std::size_t w = 0; w < words; ++w)
            free_bits[w] = w + 1 < words || N % 64 == 0 ? ~0UL : (1UL << (N % 64)) - 1;
    }
    T* take() {
        for (std::size_t w = 0; w < words; ++w)
            if (unsigned long f = free_bits[w]) {
                free_bits[w] = f & (f - 1);
                return &slot[w * 64 + static_cast<std::size_t>(__builtin_ctzl(f))];
            }
        return nullptr;
    }
    void give(T* p) {
        const auto i = static_cast<std::size_t>(p - slot);
        free_bits[i / 64] |= 1UL << (i % 64);
    }
};

//! The pointers of a proto's own part: list and queue heads at themselves.
inline void fix_own(ksock::inet::tcp_sock& tp) {
    tp.tsq_node = {&tp.tsq_node, &tp.tsq_node};
    tp.tsorted_sent_queue = {&tp.tsorted_sent_queue, &tp.tsorted_sent_queue};
}
inline void fix_own(ksock::inet::udp_sock& up) {
    up.reader_queue.next = up.reader_queue.prev =
        reinterpret_cast<ksock::sk_buff*>(&up.reader_queue);
    up.tunnel_list = {&up.tunnel_list, &up.tunnel_list};
}
inline void fix_own(ksock::unix_domain::unix_sock&) {}

//! An image copy through the C library, as ksock's platform::copy_bytes.
inline void copy(void* dst, const void* src, std::size_t n) {
    asm("" : "+r"(n));
    std::memcpy(dst, src, n);
}

template <std::size_t N>
struct world {
    bitmap_pool<ksock::socket_alloc, N> sockets;
    bitmap_pool<ksock::file, N> files;
    bitmap_pool<ksock::inet::tcp_sock, N> tcp;
    bitmap_pool<ksock::inet::udp_sock, N> udp;
    bitmap_pool<ksock::unix_domain::unix_sock, N> unix_socks;
    ksock::file* fd[N];
    unsigned long open_fds[(N + 63) / 64];

    void create() {
        sockets.create();
        files.create();
        tcp.create();
        udp.create();
        unix_socks.create();
    }

    //! The lowest free descriptor, reserved; -1 when none is.
    int fd_alloc() {
        for (std::size_t w = 0; w < (N + 63) / 64; ++w)
            if (unsigned long f = ~open_fds[w]) {
                open_fds[w] |= f & -f;
                return static_cast<int>(w * 64 + static_cast<std::size_t>(__builtin_ctzl(f)));
            }
        return -1;
    }

    //! A sock of type Obj from \p pool: its image copied, its queues and
    //! links pointed, a socket and a file around it, an fd for the file.
    template <class Obj, class Pool>
    int open(Pool& pool, const Obj& image) {
        const int i = fd_alloc();
        ksock::socket_alloc* sa = sockets.take();
        ksock::file* f = files.take();
        Obj* o = pool.take();
        if (i < 0 || !sa || !f || !o)
            return -1; // (the floor does not unwind: it never runs out here)
        static constexpr ksock::socket_alloc sa_image{};
        copy(sa, &sa_image, sizeof *sa);
        ksock::socket& so = sa->socket;
        so.wq.wait.head = {&so.wq.wait.head, &so.wq.wait.head};
        copy(o, &image, sizeof *o);
        ksock::sock& sk = reinterpret_cast<ksock::sock&>(*o);
        for (ksock::sk_buff_head* q :
             {&sk.sk_receive_queue, &sk.sk_write_queue, &sk.sk_error_queue})
            q->next = q->prev = reinterpret_cast<ksock::sk_buff*>(q);
        fix_own(*o);
        sk.sk_socket = &so;
        sk.sk_wq = &so.wq;
        so.sk = &sk;
        static constexpr ksock::file f_image{};
        copy(f, &f_image, sizeof *f);
        f->private_data = &so;
        so.file = f;
        fd[i] = f;
        return i;
    }

    //! close(): the fd, the file, the socket and the sock go back.
    template <class Obj, class Pool>
    int close(Pool& pool, int i) {
        ksock::file* f = fd[i];
        fd[i] = nullptr;
        open_fds[static_cast<unsigned>(i) / 64] &= ~(1UL << (static_cast<unsigned>(i) % 64));
        auto* so = static_cast<ksock::socket*>(f->private_data);
        pool.give(reinterpret_cast<Obj*>(so->sk));
        files.give(f);
        sockets.give(reinterpret_cast<ksock::socket_alloc*>(so));
        return 0;
    }
};

} // namespace kbench::floor
