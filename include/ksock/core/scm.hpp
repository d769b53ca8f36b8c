// ksock/core/scm.hpp: socket-level control messages (net/core/scm.c,
// include/net/scm.h): struct scm_fp_list and struct scm_cookie, scm_send_cmsgs
// (parsing a sender's msg_control: SCM_RIGHTS, SCM_CREDENTIALS), put_cmsg,
// scm_detach_fds (installing received files as new fds) and the receive
// side's scm_recv_unix.
//
// The control buffer is read and written in place (Linux copies it into a
// kernel buffer first; ksock shares the caller's address space), field by
// field through std::memcpy, so any alignment of the caller's buffer works.
// A list of files in flight comes from the stack's pool of scm_fp_lists
// (Config::scm_fp_lists lists of Config::scm_max_fd files each): an empty
// pool is ENOMEM, as a failed kmalloc of the list is in Linux.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/cmsg.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

//! struct scm_fp_list: the files one message carries, each with a reference
//! of its own. `fp` points at the pool slot's Config::scm_max_fd entries.
struct scm_fp_list {
    short count;      //!< files in fp[]
    short count_unix; //!< of them, unix sockets (what unix_gc looks at)
    short max;        //!< capacity of fp[] (Linux: SCM_MAX_FD)
    ksock::file** fp; //!< the files, max entries
};

//! struct scm_cookie: what a send parsed from msg_control, or what a receive
//! is about to hand over. pid 0 is Linux's NULL struct pid; uid/gid ~0 are
//! INVALID_UID / INVALID_GID ("no credentials").
struct scm_cookie {
    scm_fp_list* fp; //!< SCM_RIGHTS' files, or null
    int pid;         //!< SCM_CREDENTIALS' pid, 0 when none
    uid_t uid;       //!< SCM_CREDENTIALS' uid, INVALID_UID when none
    gid_t gid;       //!< SCM_CREDENTIALS' gid, INVALID_GID when none
    //! ksock: fp is an skb's own list, lent to a MSG_PEEK (Linux copies it,
    //! scm_fp_dup); the receive installs from it but must not free it.
    bool fp_borrowed;
};

//! INVALID_UID / INVALID_GID: no id (include/linux/uidgid.h).
//!@{
inline constexpr uid_t invalid_uid = static_cast<uid_t>(-1);
inline constexpr gid_t invalid_gid = static_cast<gid_t>(-1);
//!@}
//! overflowuid / overflowgid: what an unmappable id reads as (65534).
inline constexpr std::uint32_t overflowuid = 65534;
//! CAP_SETGID, CAP_SETUID: what lets SCM_CREDENTIALS send ids other than the sender's own
//! (include/uapi/linux/capability.h).
//!@{
inline constexpr int cap_setgid = 6;
inline constexpr int cap_setuid = 7;
//!@}

//! from_kuid_munged: INVALID_UID reads as overflowuid.
constexpr std::uint32_t munge_id(std::uint32_t id) noexcept {
    return id == static_cast<std::uint32_t>(-1) ? overflowuid : id;
}

//! __scm_destroy: every file reference the list holds goes, then the list.
template <class Ctx>
void scm_destroy(Ctx& ctx, scm_cookie& scm) {
    scm_fp_list* fpl = scm.fp;
    scm.fp = nullptr;
    if (!fpl || scm.fp_borrowed)
        return;
    for (short i = 0; i < fpl->count; ++i)
        ctx.fput_file(fpl->fp[i]);
    ctx.scm_fp_free(fpl);
}

namespace detail {

//! unix_get_socket: is \p f a PF_UNIX socket (a node unix_gc must follow)?
inline bool file_is_unix_socket(const ksock::file& f) noexcept {
    const auto* so = static_cast<const ksock::socket*>(f.private_data);
    return so && so->sk && so->sk->sk_family() == pf_unix;
}

//! scm_fp_copy: the fds of one SCM_RIGHTS message appended to the list
//! (allocated on first use). No fds (a cmsg_len too short for one int) is
//! nothing; more than SCM_MAX_FD, or more than the list holds with those
//! already there, EINVAL; a closed or negative fd EBADF (the files taken so
//! far stay in the list, for the caller's scm_destroy).
template <class Ctx>
int scm_fp_copy(Ctx& ctx, const unsigned char* data, std::size_t cmsg_len, scm_fp_list*& fpl) {
    const std::size_t num = (cmsg_len - sizeof(cmsghdr)) / sizeof(int);
    if (num == 0)
        return 0;
    if (num > static_cast<std::size_t>(scm_max_fd))
        return -einval;
    if (!fpl) {
        fpl = ctx.scm_fp_alloc();
        if (!fpl)
            return -enomem;
    }
    if (static_cast<std::size_t>(fpl->count) + num > static_cast<std::size_t>(fpl->max))
        return -einval;
    for (std::size_t i = 0; i < num; ++i) {
        int fd;
        std::memcpy(&fd, data + i * sizeof(int), sizeof fd);
        ksock::file* f = fd < 0 ? nullptr : ctx.fget_raw(fd);
        if (!f)
            return -ebadf;
        if (file_is_unix_socket(*f))
            ++fpl->count_unix;
        fpl->fp[fpl->count++] = f;
    }
    return fpl->count;
}

//! scm_check_creds: the ids must be valid (EINVAL); the pid must be the
//! sender's own unless it has CAP_SYS_ADMIN, the uid its real or effective
//! one unless CAP_SETUID, the gid likewise unless CAP_SETGID (EPERM).
//! ksock's credentials have no saved ids: they equal the real ones.
template <class Ctx>
int scm_check_creds(Ctx& ctx, const ucred& cr) {
    if (cr.uid == invalid_uid || cr.gid == invalid_gid)
        return -einval;
    const cred& c = ctx.current_cred();
    if ((cr.pid == ctx.current_pid() || c.has(cap_sys_admin)) &&
        (cr.uid == c.uid || cr.uid == c.euid || c.has(cap_setuid)) &&
        (cr.gid == c.gid || cr.gid == c.egid || c.has(cap_setgid)))
        return 0;
    return -eperm;
}

} // namespace detail

//! scm_send_cmsgs: every control message in turn (for_each_cmsghdr: a tail
//! shorter than a header is ignored). A cmsg_len shorter than the header or
//! running past the buffer is EINVAL at any level; other levels than
//! SOL_SOCKET are skipped; SCM_RIGHTS (only on a PF_UNIX socket: EINVAL
//! elsewhere) appends fds, so two of them in one message add up;
//! SCM_CREDENTIALS must be exactly one ucred, checked, with a pid that
//! exists (ESRCH); any other SOL_SOCKET type is EINVAL. On an error every
//! file taken so far is put back.
//! (Linux's __scm_send: a name C++ reserves, hence scm_send_cmsgs.)
template <class Ctx>
int scm_send_cmsgs(Ctx& ctx, const ksock::socket& so, const kmsghdr& msg, scm_cookie& p) {
    const auto* base = static_cast<const unsigned char*>(msg.msg_control);
    const std::size_t size = msg.msg_controllen;
    int err = 0;
    for (std::size_t off = 0; off + sizeof(cmsghdr) <= size;) {
        cmsghdr c;
        std::memcpy(&c, base + off, sizeof c);
        const unsigned char* data = base + off + cmsg_align(sizeof(cmsghdr));
        err = -einval;
        if (c.cmsg_len < sizeof(cmsghdr) || c.cmsg_len > size - off) // CMSG_OK
            goto error;
        if (c.cmsg_level == sol_socket) {
            switch (c.cmsg_type) {
            case scm_rights:
                if (!so.sk || so.sk->sk_family() != pf_unix)
                    goto error;
                err = detail::scm_fp_copy(ctx, data, c.cmsg_len, p.fp);
                if (err < 0)
                    goto error;
                break;
            case scm_credentials: {
                if (c.cmsg_len != cmsg_len(sizeof(ucred)))
                    goto error;
                ucred cr;
                std::memcpy(&cr, data, sizeof cr);
                err = detail::scm_check_creds(ctx, cr);
                if (err)
                    goto error;
                if (!p.pid || p.pid != cr.pid) {
                    err = -esrch;
                    if (!ctx.find_pid(cr.pid)) // find_get_pid
                        goto error;
                    p.pid = cr.pid;
                }
                p.uid = cr.uid;
                p.gid = cr.gid;
                break;
            }
            default:
                goto error;
            }
        }
        off += cmsg_align(c.cmsg_len);
    }
    if (p.fp && !p.fp->count) {
        ctx.scm_fp_free(p.fp);
        p.fp = nullptr;
    }
    return 0;
error:
    scm_destroy(ctx, p);
    return err;
}

//! scm_send(sock, msg, scm, false): no credentials yet (the protocol adds
//! the sender's when the peer wants them), then the control messages.
template <class Ctx>
int scm_send(Ctx& ctx, const ksock::socket& so, const kmsghdr& msg, scm_cookie& scm) {
    scm = scm_cookie{nullptr, 0, invalid_uid, invalid_gid, false};
    if (msg.msg_controllen == 0)
        return 0;
    return scm_send_cmsgs(ctx, so, msg, scm);
}

//! put_cmsg: one control message into msg_control. No room for a header:
//! nothing written, MSG_CTRUNC. Room for part of it: the part, with
//! cmsg_len saying what was written, MSG_CTRUNC. msg_control and
//! msg_controllen advance by CMSG_SPACE (at most what was left).
inline void put_cmsg(kmsghdr& msg, int level, int type, std::size_t len, const void* data) {
    std::size_t cmlen = cmsg_len(len);
    if (!msg.msg_control || msg.msg_controllen < sizeof(cmsghdr)) {
        msg.msg_flags |= msg_ctrunc;
        return;
    }
    if (msg.msg_controllen < cmlen) {
        msg.msg_flags |= msg_ctrunc;
        cmlen = msg.msg_controllen;
    }
    auto* cm = static_cast<unsigned char*>(msg.msg_control);
    const cmsghdr h{cmlen, level, type};
    std::memcpy(cm, &h, sizeof h);
    std::memcpy(cm + cmsg_align(sizeof(cmsghdr)), data, cmlen - sizeof(cmsghdr));
    const std::size_t space = cmsg_space(len);
    cmlen = space < msg.msg_controllen ? space : msg.msg_controllen;
    msg.msg_control = cm + cmlen;
    msg.msg_controllen -= cmlen;
}

//! scm_detach_fds: each file that fits in the buffer gets a new fd in the
//! receiving task (lowest free; MSG_CMSG_CLOEXEC: close-on-exec), written
//! into one SCM_RIGHTS message. Files that do not fit, or that find the fd
//! table full (EMFILE), are dropped and MSG_CTRUNC is set; the data is
//! delivered all the same. The list's own references then go.
template <class Ctx>
void scm_detach_fds(Ctx& ctx, kmsghdr& msg, scm_cookie& scm) {
    const unsigned o_flags = (msg.msg_flags & msg_cmsg_cloexec) ? unsigned(o_cloexec) : 0u;
    const std::size_t room = msg.msg_controllen > sizeof(cmsghdr)
                                 ? (msg.msg_controllen - sizeof(cmsghdr)) / sizeof(int)
                                 : 0; // scm_max_fds
    const int count = scm.fp->count;
    const int fdmax = room < static_cast<std::size_t>(count) ? static_cast<int>(room) : count;
    auto* cm = static_cast<unsigned char*>(msg.msg_control);
    int i = 0;
    for (; i < fdmax; ++i) {
        const int nfd = ctx.install_fd(scm.fp->fp[i], o_flags); // receive_fd
        if (nfd < 0)
            break;
        std::memcpy(cm + cmsg_align(sizeof(cmsghdr)) + static_cast<std::size_t>(i) * sizeof(int),
                    &nfd, sizeof nfd);
    }
    if (i > 0) {
        const auto n = static_cast<std::size_t>(i) * sizeof(int);
        const cmsghdr h{cmsg_len(n), sol_socket, scm_rights};
        std::memcpy(cm, &h, sizeof h);
        std::size_t cmlen = cmsg_space(n);
        if (msg.msg_controllen < cmlen)
            cmlen = msg.msg_controllen;
        msg.msg_control = cm + cmlen;
        msg.msg_controllen -= cmlen;
    }
    if (i < count || (count && fdmax <= 0))
        msg.msg_flags |= msg_ctrunc;
    scm_destroy(ctx, scm);
}

//! scm_recv_unix: without a control buffer, MSG_CTRUNC if there was
//! anything to say (SO_PASSCRED set, or files) and the files are dropped;
//! else SCM_CREDENTIALS first when the socket has SO_PASSCRED (no
//! credentials read as pid 0 and the overflow ids), then SCM_RIGHTS.
//! SO_PASSPIDFD's SCM_PIDFD is not produced: ksock has no pidfds.
template <class Ctx>
void scm_recv_unix(Ctx& ctx, const ksock::socket& so, kmsghdr& msg, scm_cookie& scm) {
    const bool passcred = (so.flags & (1UL << sock_passcred)) != 0;
    const bool passpidfd = (so.flags & (1UL << sock_passpidfd)) != 0;
    if (!msg.msg_control) {
        if (passcred || passpidfd || scm.fp)
            msg.msg_flags |= msg_ctrunc;
        scm_destroy(ctx, scm);
        return;
    }
    if (passcred) {
        const ucred u{scm.pid, munge_id(scm.uid), munge_id(scm.gid)};
        put_cmsg(msg, sol_socket, scm_credentials, sizeof u, &u);
    }
    if (scm.fp)
        scm_detach_fds(ctx, msg, scm);
}

} // namespace ksock
