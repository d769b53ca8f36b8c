// ksock/kernel/socket_alloc.hpp: the socket and its file, as net/socket.c
// makes and unmakes them: sock_alloc (a socket_alloc from sockfs' cache),
// __sock_release, sock_alloc_file and sock_map_fd.
//
// Each function takes the stack's kernel context \p k (kernel/context.hpp).
#pragma once

#include <ksock/kernel/storage.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/platform.hpp>
#include <ksock/policy/fault.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/value_names.hpp>

namespace ksock::kernel {

//! sock_alloc: a socket_alloc from sockfs' cache, its inode numbered and
//! owned by the caller's fsuid/fsgid; null when the cache is out (ENFILE).
//! The slot is not zeroed first: every field is written here, as
//! sock_alloc_inode and new_inode_pseudo initialise theirs.
template <class K>
inline ksock::socket* sock_alloc(K& k) {
    trace_scope ts(k.trace_, "sock_alloc");
    auto* slot = k.fault_.should_fail(fault_site::sock_alloc) ? nullptr : k.sock_take();
    if (!slot) {
        ts.result(-enfile);
        return nullptr;
    }
    socket_alloc& ei = slot->alloc;
    const cred& c = k.current_cred();
    ei.socket = ksock::socket{};
    ei.socket.state = ss_unconnected;
    spin_lock_init(ei.socket.wq.wait.lock);
    init_list_head(ei.socket.wq.wait.head);
    ei.vfs_inode = inode{++k.last_ino_, s_ifsock | s_irwxugo, c.fsuid, c.fsgid};
    if constexpr (K::trace_type::enabled) {
        k.trace_.field("inode.i_ino", static_cast<long long>(ei.vfs_inode.i_ino));
        k.trace_.field("inode.i_mode", ei.vfs_inode.i_mode,
                       names_in(value_base::oct, i_mode_names));
        k.trace_.field("socket.state", ei.socket.state, names_in(value_base::dec, ss_names));
    }
    return &ei.socket;
}

//! Back to sockfs' cache: the socket_alloc and its slot's file (iput and,
//! when there was a file, dput).
template <class K>
inline void sock_free(K& k, ksock::socket* so) {
    k.sockets_.free(reinterpret_cast<sockfs_slot*>(so));
}

//! __sock_release: the ops' release (if ops are set), then the socket
//! itself unless a file still refers to it.
template <class K>
inline void sock_release(K& k, ksock::socket* so) {
    if (so->ops) {
        K::registry::with_entry_inline(
            *so, [&]<class E>() { return E::ops::template release<E>(k, *so); });
        so->sk = nullptr;
        so->ops = 0;
    }
    if (!so->file)
        sock_free(k, so); // iput(SOCK_INODE(sock))
    else
        so->file = nullptr;
}

//! sock_alloc_file: the file (named after the proto, or \p name) for a
//! socket: the one in the socket's sockfs slot (kernel/storage.hpp). On
//! failure the socket is released, as in Linux.
template <class K>
inline ksock::file* sock_alloc_file(K& k, ksock::socket* so, int flags,
                                    const char* name = nullptr) {
    trace_scope ts(k.trace_, "sock_alloc_file");
    if (k.fault_.should_fail(fault_site::file_alloc)) {
        sock_release(k, so);
        ts.result(-enfile);
        return nullptr;
    }
    ksock::file* f = K::file_of_slot(so);
    // alloc_file_pseudo + FMODE_NOWAIT + stream_open (no seeking).
    *f = ksock::file{static_cast<unsigned>(o_rdwr | (flags & o_nonblock)),
                     fmode_read | fmode_write | fmode_nowait | fmode_stream,
                     1,
                     SOCK_INODE(so),
                     so,
                     name                                ? name
                     : so->sk && so->sk->sk_prot_creator ? so->sk->sk_prot_creator->name
                                                         : "",
                     0};
    so->file = f;
    if constexpr (K::trace_type::enabled) {
        k.trace_.text("file name (sk_prot_creator->name)", f->f_name);
        k.trace_.field("f_flags", f->f_flags, names_in(value_base::oct, o_flag_names));
    }
    return f;
}

//! sock_map_fd: reserve an fd, make the file, install it.
template <class K>
KSOCK_ALWAYS_INLINE inline int sock_map_fd(K& k, ksock::socket* so, int flags) {
    trace_scope ts(k.trace_, "sock_map_fd");
    auto& t = k.current_task();
    const int fd = k.get_unused_fd_flags(t, 0, static_cast<unsigned>(flags));
    if constexpr (K::trace_type::enabled)
        k.trace_.field("get_unused_fd_flags", fd);
    if (fd < 0) {
        sock_release(k, so);
        return ts.result(fd);
    }
    ksock::file* f = sock_alloc_file(k, so, flags);
    if (!f) {
        t.files.put_unused_fd(static_cast<unsigned>(fd));
        return ts.result(-enfile);
    }
    t.files.fd_install(static_cast<unsigned>(fd), f);
    if constexpr (K::trace_type::enabled)
        k.trace_.field("fd_install", fd);
    return fd;
}

} // namespace ksock::kernel
