// ksock/objects/socket.hpp: the VFS side of a socket: struct socket, struct socket_wq,
// the inode, their container struct socket_alloc (include/linux/net.h,
// include/net/sock.h) and the open file (struct file, include/linux/fs.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/objects/list.hpp>
#include <ksock/objects/spinlock.hpp>
#include <ksock/uapi/types.hpp>
#include <ksock/uapi/value_names.hpp>

namespace ksock {

struct sock;
struct file;

//! struct socket->flags bits (include/linux/net.h).
enum socket_flags_bit : unsigned {
    sockwq_async_nospace = 0,
    sockwq_async_waitdata = 1,
    sock_nospace = 2,
    sock_passcred = 3,
    sock_passsec = 4,
    sock_support_zc = 5,
    sock_custom_sockopt = 6,
    sock_passpidfd = 7,
};

//! wait_queue_head_t.
struct wait_queue_head {
    spinlock_t lock; //!< protects the waiters
    list_head head;  //!< the waiters (wait_queue_entry)
};

//! struct socket_wq.
struct socket_wq {
    wait_queue_head wait; //!< tasks waiting on the socket (poll, blocking calls)
    void* fasync_list;    //!< the fasync list (FIOASYNC, O_ASYNC)
    unsigned long flags;  //!< SOCKWQ_ASYNC_* bits of socket_flags_bit
};

//! struct socket. Linux's `ops` is a pointer to a proto_ops table; ksock keeps
//! the index (plus one) of the protosw entry whose ops serve this socket, so
//! an operation dispatches through a switch instead of a function pointer.
//! 0 plays NULL: no release op runs for a socket whose ops were never set.
struct socket {
    int state;           //!< socket_state (ss_*)
    short type;          //!< SOCK_STREAM, SOCK_DGRAM ... (sk->sk_type's copy)
    unsigned long flags; //!< bits of socket_flags_bit (SOCK_NOSPACE ...)
    ksock::file* file;   //!< the open file, null before sock_map_fd
    sock* sk;            //!< the protocol's sock, null once released
    std::uint8_t ops;    //!< protosw index + 1 of the ops; 0 plays NULL
    socket_wq wq;        //!< the wait queue (Linux's socket_wq is embedded too)
};

//! struct inode, the fields sock_alloc sets.
struct inode {
    unsigned long i_ino;  //!< the inode number, what /proc/PID/fd shows as socket:[ino]
    std::uint32_t i_mode; //!< S_IFSOCK | 0777
    uid_t i_uid;          //!< the owner's uid (the creator's fsuid)
    gid_t i_gid;          //!< the owner's gid (the creator's fsgid)
};

//! i_mode's bits (include/uapi/linux/stat.h): the socket file type, the permissions a socket inode
//! gets, and the file-type mask.
//!@{
inline constexpr std::uint32_t s_ifsock = 0140000;
inline constexpr std::uint32_t s_irwxugo = 0777;
inline constexpr std::uint32_t s_ifmt = 0170000;
//!@}
//! i_mode's file type, for traces (the permission bits print as a number).
inline constexpr value_name i_mode_names[] = {{s_ifsock, s_ifmt, "S_IFSOCK"}};

//! struct socket_alloc: what sockfs allocates for every socket.
struct socket_alloc {
    ksock::socket socket; //!< the socket, at offset 0 (SOCKET_I)
    inode vfs_inode;      //!< its inode (SOCK_INODE)
};

//! f_mode bits (FMODE_*, include/linux/fs.h) the socket path sets or
//! tests: what the file may do (read, write, lseek, pread, pwrite) and how
//! (an atomic position, a stream, IOCB_NOWAIT supported).
//!@{
inline constexpr std::uint32_t fmode_read = 0x1;
inline constexpr std::uint32_t fmode_write = 0x2;
inline constexpr std::uint32_t fmode_lseek = 0x4;
inline constexpr std::uint32_t fmode_pread = 0x8;
inline constexpr std::uint32_t fmode_pwrite = 0x10;
inline constexpr std::uint32_t fmode_atomic_pos = 0x8000;
inline constexpr std::uint32_t fmode_stream = 0x200000;
inline constexpr std::uint32_t fmode_nowait = 0x8000000;
//!@}

//! struct file, as alloc_file_pseudo + sock_alloc_file leave it.
struct file {
    unsigned int f_flags; //!< O_* flags (O_RDWR, O_NONBLOCK ...; F_GETFL)
    std::uint32_t f_mode; //!< FMODE_* bits
    long f_count;         //!< references from fd slots (dup shares one file)
    inode* f_inode;       //!< the socket's inode
    void* private_data;   //!< the struct socket
    const char* f_name;   //!< the dentry name: the proto's name ("TCP", ...)
    int f_owner;          //!< F_SETOWN / FIOSETOWN's pid (ksock sends no signals)
};

static_assert(std::is_standard_layout_v<socket_alloc>,
              "ksock::socket_alloc: must be standard-layout");
static_assert(offsetof(socket_alloc, socket) == 0,
              "ksock::socket_alloc: socket must be at offset 0");

} // namespace ksock
