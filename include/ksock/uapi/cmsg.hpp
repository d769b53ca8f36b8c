// ksock/uapi/cmsg.hpp: ancillary data as user space builds and reads it
// (include/linux/socket.h): struct cmsghdr, the CMSG_* macros as constexpr
// functions, the SCM_* types and struct ucred, with Linux's values and
// layouts (the header is 16 bytes on LP64, 12 on a 32-bit target).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/uapi/msghdr.hpp>

namespace ksock {

//! struct cmsghdr: one control message; its data follows the header.
struct cmsghdr {
    std::size_t cmsg_len; //!< header and data, without the trailing padding
    int cmsg_level;       //!< SOL_SOCKET for SCM_*
    int cmsg_type;        //!< SCM_RIGHTS, SCM_CREDENTIALS ... (per level)
};

//! struct ucred: SCM_CREDENTIALS' data and SO_PEERCRED's value.
struct ucred {
    std::int32_t pid;  //!< pid_t
    std::uint32_t uid; //!< uid_t
    std::uint32_t gid; //!< gid_t
};

inline constexpr int scm_rights = 0x01;      //!< SCM_RIGHTS: an array of fds
inline constexpr int scm_credentials = 0x02; //!< SCM_CREDENTIALS: struct ucred
inline constexpr int scm_security = 0x03;    //!< SCM_SECURITY (receive only)
inline constexpr int scm_pidfd = 0x04;       //!< SCM_PIDFD (receive only)

//! SCM_MAX_FD: the most fds one message carries in Linux (more: EINVAL).
inline constexpr int scm_max_fd = 253;

//! CMSG_ALIGN: to a multiple of sizeof(long).
constexpr std::size_t cmsg_align(std::size_t len) noexcept {
    return (len + sizeof(long) - 1) & ~(sizeof(long) - 1);
}
//! CMSG_LEN: the cmsg_len of a message with \p len data bytes.
constexpr std::size_t cmsg_len(std::size_t len) noexcept {
    return cmsg_align(sizeof(cmsghdr)) + len;
}
//! CMSG_SPACE: the room a message with \p len data bytes takes in a buffer.
constexpr std::size_t cmsg_space(std::size_t len) noexcept {
    return cmsg_align(sizeof(cmsghdr)) + cmsg_align(len);
}
//! CMSG_DATA: the data that follows header \p c.
//!@{
inline unsigned char* cmsg_data(cmsghdr* c) noexcept {
    return reinterpret_cast<unsigned char*>(c) + cmsg_align(sizeof(cmsghdr));
}
inline const unsigned char* cmsg_data(const cmsghdr* c) noexcept {
    return reinterpret_cast<const unsigned char*>(c) + cmsg_align(sizeof(cmsghdr));
}
//!@}

//! CMSG_FIRSTHDR: null when the buffer cannot hold one header.
inline cmsghdr* cmsg_firsthdr(const msghdr& m) noexcept {
    return m.msg_controllen >= sizeof(cmsghdr) ? static_cast<cmsghdr*>(m.msg_control) : nullptr;
}
//! CMSG_NXTHDR (__cmsg_nxthdr): null when the next header would not fit.
inline cmsghdr* cmsg_nxthdr(const msghdr& m, cmsghdr* c) noexcept {
    auto* base = static_cast<unsigned char*>(m.msg_control);
    auto* p = reinterpret_cast<unsigned char*>(c) + cmsg_align(c->cmsg_len);
    if (static_cast<std::size_t>(p + sizeof(cmsghdr) - base) > m.msg_controllen)
        return nullptr;
    return reinterpret_cast<cmsghdr*>(static_cast<void*>(p));
}

static_assert(sizeof(cmsghdr) == cmsg_align(sizeof(cmsghdr)) && sizeof(ucred) == 12,
              "ksock: cmsghdr and ucred must have Linux's layout");

} // namespace ksock
