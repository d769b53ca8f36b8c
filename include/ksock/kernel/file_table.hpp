// ksock/kernel/file_table.hpp: the last reference to a file (fs/file_table.c:
// fput, fput_final, delayed_fput), and the protos' collectors of references held
// in flight (unix_gc), which only an fput can make necessary.
#pragma once

#include <cstddef>

#include <ksock/detail/type_list.hpp>
#include <ksock/kernel/socket_alloc.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/proto.hpp>

namespace ksock::kernel {

//! fput_final for a socket of entry E: __sock_release (the ops' release), then
//! the file and the socket_alloc (with its inode), one sockfs slot. Out of
//! line, one body per entry: the switch in fput_final jumps to it, and the
//! entry's release is inlined into it.
template <class E, class K>
KSOCK_NOINLINE void fput_entry(K& k, ksock::socket* so) {
    // __sock_release clears sock->ops, ->sk and ->file before the inode
    // goes; here the slot goes with them and sock_alloc writes them all.
    E::ops::template release<E>(k, *so);
    sock_free(k, so); // dput -> sock_free_inode, and the file
}

//! Linux's __fput (a name C++ reserves, hence fput_final): sock_close ->
//! __sock_release, then the file and the socket_alloc (with its inode) are
//! freed: one sockfs slot.
template <class K>
inline void fput_final(K& k, ksock::file* f) {
    auto* so = static_cast<ksock::socket*>(f->private_data);
    trace_scope ts(k.trace_, "__fput -> sock_close");
    if (!so->ops) {          // a file always has a socket with ops; in case not
        sock_release(k, so); // clears so->file
        sock_free(k, so);
        return;
    }
    K::registry::with_entry_inline(*so, [&]<class E>() { return fput_entry<E>(k, so); });
}

//! A file whose last reference went while an fput was running, or null.
template <class K>
inline ksock::file* unreferenced_file(K& k) noexcept {
    for (std::size_t i = 0; i < K::config::max_sockets; ++i) {
        if (!k.sockets_.live(i))
            continue;
        ksock::file* f = k.sockets_.slot(i).alloc.socket.file;
        if (f && f->f_count == 0)
            return f;
    }
    return nullptr;
}

//! Every proto's collector of references it holds in flight (P::gc,
//! unix_gc); true when one freed something.
template <class K>
inline bool run_gc(K& k) {
    bool freed = false;
    ksock::detail::for_each_type(typename K::protos{}, [&]<class P>() {
        if constexpr (proto_has_gc<P, K>)
            freed = P::gc(k) || freed;
    });
    return freed;
}

//! fput: the last reference runs fput_final. A release puts the files that
//! the released socket's queued messages carried (SCM_RIGHTS), which may
//! release more sockets: those __fputs are deferred to the outermost fput,
//! which runs them one after the other (Linux's delayed_fput), so a chain
//! of sockets in flight never recurses. While files are in flight, the
//! outermost fput then runs the protos' collectors (unix_gc) for sockets
//! that only in-flight messages still refer to.
template <class K>
KSOCK_NOINLINE void fput_in_flight(K& k, ksock::file* f, bool last);

//! fput itself: the last reference of \p f runs fput_final, at once or
//! deferred to the outermost fput.
template <class K>
KSOCK_ALWAYS_INLINE inline void fput(K& k, ksock::file* f) {
    const bool last = --f->f_count == 0;
    if (k.fput_busy_ || !k.scm_fp_.unused()) {
        fput_in_flight(k, f, last);
        return;
    }
    // The common case: no file is in flight, so this release puts no other
    // file and leaves nothing for a collector.
    if (last)
        fput_final(k, f);
}

//! fput while files are in flight or another fput runs: deferral and the
//! collectors.
template <class K>
KSOCK_NOINLINE void fput_in_flight(K& k, ksock::file* f, bool last) {
    if (k.fput_busy_) {
        k.fput_deferred_ += last;
        return;
    }
    k.fput_busy_ = true;
    if (last)
        fput_final(k, f);
    for (;;) {
        if (k.fput_deferred_) {
            --k.fput_deferred_;
            if (ksock::file* z = unreferenced_file(k))
                fput_final(k, z);
            continue;
        }
        if (k.scm_fp_.unused() || !run_gc(k))
            break;
    }
    k.fput_busy_ = false;
}

} // namespace ksock::kernel
