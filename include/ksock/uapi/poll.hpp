// ksock/uapi/poll.hpp: struct pollfd and the POLL* bits
// (include/uapi/asm-generic/poll.h), with Linux's values.
#pragma once

namespace ksock {

//! struct pollfd: one descriptor of poll(2).
struct pollfd {
    int fd;        //!< the descriptor; a negative one is skipped (revents 0)
    short events;  //!< the POLL* bits asked for
    short revents; //!< the POLL* bits that hold, set by poll(2)
};

//! The POLL* event bits (include/uapi/asm-generic/poll.h): what a socket's poll returns and
//! pollfd's events ask for.
//!@{
inline constexpr unsigned pollin = 0x0001;
inline constexpr unsigned pollpri = 0x0002;
inline constexpr unsigned pollout = 0x0004;
inline constexpr unsigned pollerr = 0x0008;
inline constexpr unsigned pollhup = 0x0010;
inline constexpr unsigned pollnval = 0x0020;
inline constexpr unsigned pollrdnorm = 0x0040;
inline constexpr unsigned pollrdband = 0x0080;
inline constexpr unsigned pollwrnorm = 0x0100;
inline constexpr unsigned pollwrband = 0x0200;
inline constexpr unsigned pollmsg = 0x0400;
inline constexpr unsigned pollrdhup = 0x2000;
//!@}

static_assert(sizeof(pollfd) == 8, "ksock::pollfd: must have Linux's layout");

} // namespace ksock
