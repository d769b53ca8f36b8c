// ksock/uapi/types.hpp: the scalar types of the socket API (socklen_t, uid_t, gid_t),
// with Linux's widths.
#pragma once

#include <cstdint>

namespace ksock {

using socklen_t = std::uint32_t; //!< an address length (32 bits, as in Linux's and glibc's ABI)
using uid_t = std::uint32_t;     //!< a user id
using gid_t = std::uint32_t;     //!< a group id

} // namespace ksock
