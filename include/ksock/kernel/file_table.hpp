// ksock/kernel/file_table.hpp: the last reference to a file (fs/file_table.c:
// fput, __fput, delayed_fput), and the protos' collectors of references held
// in flight (unix_gc), which only an fput can make necessary.
#pragma once

#include <cstddef>

#include <ksock/detail/type_list.hpp>
#include <ksock/kernel/socket_alloc.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/proto.hpp>

namespace ksock::kernel {

//! __fput -> sock_close -> __sock_release, then the file and the
//! socket_alloc (with its inode) are freed.
template <class K>
inline void __fput(K& k, ksock::file* f) {
    auto* so = static_cast<ksock::socket*>(f->private_data);
    trace_scope ts(k.trace_, "__fput -> sock_close");
    sock_release(k, so);                                  // clears so->file
    k.sockets_.free(reinterpret_cast<socket_alloc*>(so)); // dput -> sock_free_inode
    k.files_.free(f);
}

//! A file whose last reference went while an fput was running, or null.
template <class K>
inline ksock::file* unreferenced_file(K& k) noexcept {
    for (std::size_t i = 0; i < K::config::max_sockets; ++i)
        if (k.files_.live(i) && k.files_.slot(i).f_count == 0)
            return &k.files_.slot(i);
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

//! fput: the last reference runs __fput. A release puts the files that
//! the released socket's queued messages carried (SCM_RIGHTS), which may
//! release more sockets: those __fputs are deferred to the outermost fput,
//! which runs them one after the other (Linux's delayed_fput), so a chain
//! of sockets in flight never recurses. While files are in flight, the
//! outermost fput then runs the protos' collectors (unix_gc) for sockets
//! that only in-flight messages still refer to.
template <class K>
inline void fput(K& k, ksock::file* f) {
    const bool last = --f->f_count == 0;
    if (k.fput_busy_) {
        k.fput_deferred_ += last;
        return;
    }
    if (!last && !k.scm_fp_.in_use())
        return; // the common case: one check, no scan
    k.fput_busy_ = true;
    if (last)
        __fput(k, f);
    for (;;) {
        if (k.fput_deferred_) {
            --k.fput_deferred_;
            if (ksock::file* z = unreferenced_file(k))
                __fput(k, z);
            continue;
        }
        if (!k.scm_fp_.in_use() || !run_gc(k))
            break;
    }
    k.fput_busy_ = false;
}

} // namespace ksock::kernel
