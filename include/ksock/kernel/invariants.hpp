// ksock/kernel/invariants.hpp: the structural rules that hold between any two
// system calls, one function per rule, each returning null or what broke.
// Tests and the fuzzer check them after every call; a stack's
// check_invariants() runs them all, in order.
#pragma once

#include <cstddef>

#include <ksock/detail/type_list.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/proto.hpp>

namespace ksock::kernel {

//! The outcome of check_invariants(): ok, or the first broken rule.
struct invariant_report {
    bool ok;          //!< every rule holds
    const char* what; //!< the first broken rule, null when ok
    //! ok.
    explicit operator bool() const noexcept { return ok; }
};

//! Every pool's bitmap is well-formed (no free bit past its capacity).
template <class K>
inline const char* pools_consistent(K& k) noexcept {
    if (!k.sockets_.consistent() || !k.skbs_.consistent() || !k.scm_fp_.consistent())
        return "socket, skb or scm pool bitmap is malformed";
    return nullptr;
}

//! Is \p f the file of a live sockfs slot, handed out to its socket?
template <class K>
inline bool file_live(K& k, const ksock::file* f) noexcept {
    for (std::size_t i = 0; i < K::config::max_sockets; ++i)
        if (&k.sockets_.slot(i).file == f)
            return k.sockets_.live(i) && k.sockets_.slot(i).alloc.socket.file == f;
    return false;
}

//! References to \p f from every task's fd table.
template <class K>
inline long fd_refs(K& k, const ksock::file* f) noexcept {
    long refs = 0;
    for (std::size_t t = 0; t < K::config::tasks; ++t)
        for (const ksock::file* g : k.task(t).files.fd)
            refs += g == f;
    return refs;
}

//! Each task's fd bitmaps match its installed files, every installed file
//! is live and its f_count is the fd slots and in-flight messages sharing
//! it, next_fd is at or below the lowest free fd.
template <class K>
inline const char* fd_tables_consistent(K& k) noexcept {
    using task_type = typename K::task_type;
    for (std::size_t ti = 0; ti < K::config::tasks; ++ti) {
        const task_type& t = k.task(ti);
        unsigned lowest_free = task_type::fd_capacity;
        for (unsigned i = 0; i < task_type::fd_capacity; ++i) {
            const bool open = t.files.fd_is_open(i);
            if (open != (t.files.fd[i] != nullptr))
                return "fd bitmap and installed files disagree";
            if (!open && lowest_free == task_type::fd_capacity)
                lowest_free = i;
            if (!open)
                continue;
            const ksock::file* f = t.files.fd[i];
            if (!file_live(k, f))
                return "an fd points at a file that is not live";
            if (fd_refs(k, f) + k.scm_fp_refs(f) != f->f_count)
                return "a file's f_count differs from the fd slots sharing it and the messages "
                       "carrying it";
        }
        if (t.files.next_fd > lowest_free)
            return "next_fd is above a free descriptor";
    }
    return nullptr;
}

//! full_fds_bits marks exactly the full words of open_fds (in a table
//! that keeps it: one of more than a word).
template <class K>
inline const char* full_fds_bits_consistent(K& k) noexcept {
    for (std::size_t ti = 0; ti < K::config::tasks; ++ti) {
        const auto& files = k.task(ti).files;
        if (!files.keeps_full_bits)
            continue;
        for (std::size_t w = 0; w < files.words; ++w) {
            const bool full = files.open_fds[w] == ~0UL;
            const bool marked = (files.full_fds_bits[w / files.bits] >> (w % files.bits)) & 1UL;
            if (full != marked)
                return "full_fds_bits disagrees with open_fds";
        }
    }
    return nullptr;
}

//! Every live file has a reference and owns one live socket, linked both
//! ways with a valid ops index; every live file is reachable from an fd or
//! from a message in flight; live sockets and live files are as many.
template <class K>
inline const char* files_and_sockets_linked(K& k) noexcept {
    std::size_t live_files = 0, in_flight_only = 0, installed = 0;
    for (std::size_t ti = 0; ti < K::config::tasks; ++ti)
        installed += k.task(ti).files.count_open();
    for (std::size_t i = 0; i < K::config::max_sockets; ++i) {
        if (!k.sockets_.live(i) || !k.sockets_.slot(i).alloc.socket.file)
            continue;
        ++live_files;
        const ksock::file& f = k.sockets_.slot(i).file;
        if (f.f_count < 1)
            return "a live file has no reference";
        if (f.f_count == k.scm_fp_refs(&f))
            ++in_flight_only; // reachable through a message, not an fd
        auto* so = static_cast<ksock::socket*>(f.private_data);
        if (so != &k.sockets_.slot(i).alloc.socket)
            return "a file's socket is not the one of its slot";
        if (so->file != &f || so->ops == 0 || so->ops > K::registry::entry_count)
            return "a file and its socket are not linked";
        if (so->sk && so->sk->sk_socket != so)
            return "a socket and its sock are not linked both ways";
    }
    if (live_files != k.sockets_.in_use())
        return "live sockets and live files differ in number";
    if (live_files - in_flight_only > installed)
        return "a live file is not installed in any fd table";
    return nullptr;
}

//! Every live sock has its proto's descriptor and a reference (or skbs it
//! sent still charged to it, as in Linux), points at a socket that points
//! back, and the namespace counts the user socks.
template <class K>
inline const char* socks_consistent(K& k) noexcept {
    int user_socks = 0;
    const char* bad = nullptr;
    ksock::detail::for_each_type(typename K::protos{}, [&]<class P>() {
        auto& pool = k.pools_.template slot<P>().objects;
        if (!pool.consistent())
            bad = "a proto pool bitmap is malformed";
        for (std::size_t i = 0; i < K::config::template proto_objects<P>; ++i) {
            if (!pool.live(i))
                continue;
            const sock& sk = member_ref<sock>(pool.slot(i));
            if (sk.sk_prot_creator != proto_desc_v<P> ||
                (sk.sk_refcnt() < 1 && sk.sk_wmem_alloc < 1))
                bad = "a live sock has the wrong proto or no reference";
            if (sk.sk_socket && sk.sk_socket->sk != &sk)
                bad = "a sock points at a socket that does not point back";
            user_socks += sk.sk_net_refcnt();
        }
    });
    if (bad)
        return bad;
    if (user_socks != k.net().sock_inuse)
        return "net.sock_inuse differs from the live user socks";
    return nullptr;
}

//! Every rule above, in order: the first broken one, or ok.
template <class K>
inline invariant_report check_invariants(K& k) noexcept {
    const char* what = pools_consistent(k);
    if (!what)
        what = fd_tables_consistent(k);
    if (!what)
        what = full_fds_bits_consistent(k);
    if (!what)
        what = files_and_sockets_linked(k);
    if (!what)
        what = socks_consistent(k);
    return what ? invariant_report{false, what} : invariant_report{true, "ok"};
}

//! Nothing is allocated and no fd is open in any task.
template <class K>
inline bool empty(K& k) noexcept {
    bool objects = false;
    ksock::detail::for_each_type(typename K::protos{}, [&]<class P>() {
        objects = objects || k.pools_.template slot<P>().objects.in_use() != 0;
    });
    for (std::size_t ti = 0; ti < K::config::tasks; ++ti)
        if (k.task(ti).files.count_open() != 0)
            return false;
    return !objects && k.sockets_.in_use() == 0 && k.files_in_use() == 0 && k.skbs_.in_use() == 0 &&
           k.scm_fp_.in_use() == 0 && k.net().sock_inuse == 0;
}

} // namespace ksock::kernel
