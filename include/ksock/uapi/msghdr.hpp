// ksock/uapi/msghdr.hpp: what sendmsg/recvmsg carry (struct iovec, struct
// msghdr as user space sees it) and the MSG_* flags
// (include/linux/socket.h), with Linux's values and layouts.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/uapi/value_names.hpp>

namespace ksock {

//! struct iovec.
struct iovec {
    void* iov_base;      //!< the first byte
    std::size_t iov_len; //!< how many bytes
};

//! struct user_msghdr (what <sys/socket.h> calls struct msghdr).
struct msghdr {
    void*
        msg_name; //!< where the peer's address goes (recvmsg) or comes from (sendmsg); may be null
    std::uint32_t msg_namelen;  //!< socklen_t
    iovec* msg_iov;             //!< the data's buffers
    std::size_t msg_iovlen;     //!< how many iovecs msg_iov holds (at most UIO_MAXIOV)
    void* msg_control;          //!< the ancillary data (struct cmsghdr ...), or null
    std::size_t msg_controllen; //!< msg_control's size in bytes; recvmsg sets what it wrote
    int msg_flags;              //!< recvmsg's result flags (MSG_TRUNC, MSG_CTRUNC ...)
};

//! UIO_MAXIOV: the most iovecs one call takes (more is EMSGSIZE).
inline constexpr std::size_t uio_maxiov = 1024;

//! The MSG_* flags of send/recv and of msg_flags (include/linux/socket.h), Linux's values.
//!@{
inline constexpr int msg_oob = 0x1;
inline constexpr int msg_peek = 0x2;
inline constexpr int msg_dontroute = 0x4;
inline constexpr int msg_ctrunc = 0x8;
inline constexpr int msg_proxy = 0x10;
inline constexpr int msg_trunc = 0x20;
inline constexpr int msg_dontwait = 0x40;
inline constexpr int msg_eor = 0x80;
inline constexpr int msg_waitall = 0x100;
inline constexpr int msg_fin = 0x200;
inline constexpr int msg_syn = 0x400;
inline constexpr int msg_confirm = 0x800;
inline constexpr int msg_rst = 0x1000;
inline constexpr int msg_errqueue = 0x2000;
inline constexpr int msg_nosignal = 0x4000;
inline constexpr int msg_more = 0x8000;
inline constexpr int msg_waitforone = 0x10000;
inline constexpr int msg_batch = 0x40000;
inline constexpr int msg_zerocopy = 0x4000000;
inline constexpr int msg_fastopen = 0x20000000;
inline constexpr int msg_cmsg_cloexec = 0x40000000;
//!@}
//! MSG_CMSG_COMPAT: kernel-internal; a user passing it gets EINVAL.
inline constexpr int msg_cmsg_compat = static_cast<int>(0x80000000u);
//! The MSG_* bits, for traces.
inline constexpr value_name msg_flag_names[] = {
    {msg_oob, msg_oob, "MSG_OOB"},
    {msg_peek, msg_peek, "MSG_PEEK"},
    {msg_dontroute, msg_dontroute, "MSG_DONTROUTE"},
    {msg_ctrunc, msg_ctrunc, "MSG_CTRUNC"},
    {msg_proxy, msg_proxy, "MSG_PROXY"},
    {msg_trunc, msg_trunc, "MSG_TRUNC"},
    {msg_dontwait, msg_dontwait, "MSG_DONTWAIT"},
    {msg_eor, msg_eor, "MSG_EOR"},
    {msg_waitall, msg_waitall, "MSG_WAITALL"},
    {msg_fin, msg_fin, "MSG_FIN"},
    {msg_syn, msg_syn, "MSG_SYN"},
    {msg_confirm, msg_confirm, "MSG_CONFIRM"},
    {msg_rst, msg_rst, "MSG_RST"},
    {msg_errqueue, msg_errqueue, "MSG_ERRQUEUE"},
    {msg_nosignal, msg_nosignal, "MSG_NOSIGNAL"},
    {msg_more, msg_more, "MSG_MORE"},
    {msg_waitforone, msg_waitforone, "MSG_WAITFORONE"},
    {msg_batch, msg_batch, "MSG_BATCH"},
    {msg_zerocopy, msg_zerocopy, "MSG_ZEROCOPY"},
    {msg_fastopen, msg_fastopen, "MSG_FASTOPEN"},
    {msg_cmsg_cloexec, msg_cmsg_cloexec, "MSG_CMSG_CLOEXEC"}};

//! shutdown(2)'s how (SHUT_*, include/linux/net.h), and the sk_shutdown bits it sets (RCV_SHUTDOWN,
//! SEND_SHUTDOWN, include/net/sock.h).
//!@{
inline constexpr int shut_rd = 0;
inline constexpr int shut_wr = 1;
inline constexpr int shut_rdwr = 2;
inline constexpr std::uint8_t rcv_shutdown = 1;
inline constexpr std::uint8_t send_shutdown = 2;
inline constexpr std::uint8_t shutdown_mask = 3;
//!@}

static_assert(sizeof(iovec) == 2 * sizeof(void*) && sizeof(msghdr) == 7 * sizeof(void*),
              "ksock: iovec and msghdr must have Linux's layout");

} // namespace ksock
