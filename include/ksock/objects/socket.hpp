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
    spinlock_t lock;
    list_head head;
};

//! struct socket_wq.
struct socket_wq {
    wait_queue_head wait;
    void* fasync_list;
    unsigned long flags;
};

//! struct socket. Linux's `ops` is a pointer to a proto_ops table; ksock keeps
//! the index (plus one) of the protosw entry whose ops serve this socket, so
//! an operation dispatches through a switch instead of a function pointer.
//! 0 plays NULL: no release op runs for a socket whose ops were never set.
struct socket {
    int state; //!< socket_state (ss_*)
    short type;
    unsigned long flags;
    ksock::file* file;
    sock* sk;
    std::uint8_t ops;
    socket_wq wq;
};

//! struct inode, the fields sock_alloc sets.
struct inode {
    unsigned long i_ino;
    std::uint32_t i_mode;
    uid_t i_uid;
    gid_t i_gid;
};

inline constexpr std::uint32_t s_ifsock = 0140000;
inline constexpr std::uint32_t s_irwxugo = 0777;
inline constexpr std::uint32_t s_ifmt = 0170000;
//! i_mode's file type, for traces (the permission bits print as a number).
inline constexpr value_name i_mode_names[] = {{s_ifsock, s_ifmt, "S_IFSOCK"}};

//! struct socket_alloc: what sockfs allocates for every socket.
struct socket_alloc {
    ksock::socket socket;
    inode vfs_inode;
};

//! f_mode bits the socket path sets.
inline constexpr std::uint32_t fmode_read = 0x1;
inline constexpr std::uint32_t fmode_write = 0x2;
inline constexpr std::uint32_t fmode_lseek = 0x4;
inline constexpr std::uint32_t fmode_pread = 0x8;
inline constexpr std::uint32_t fmode_pwrite = 0x10;
inline constexpr std::uint32_t fmode_atomic_pos = 0x8000;
inline constexpr std::uint32_t fmode_stream = 0x200000;
inline constexpr std::uint32_t fmode_nowait = 0x8000000;

//! struct file, as alloc_file_pseudo + sock_alloc_file leave it.
struct file {
    unsigned int f_flags;
    std::uint32_t f_mode;
    long f_count; //!< references from fd slots (dup shares one file)
    inode* f_inode;
    void* private_data; //!< the struct socket
    const char* f_name; //!< the dentry name: the proto's name ("TCP", ...)
    int f_owner;        //!< F_SETOWN / FIOSETOWN's pid (ksock sends no signals)
};

static_assert(std::is_standard_layout_v<socket_alloc>,
              "ksock::socket_alloc: must be standard-layout");
static_assert(offsetof(socket_alloc, socket) == 0,
              "ksock::socket_alloc: socket must be at offset 0");

} // namespace ksock
