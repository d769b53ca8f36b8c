// ksock/uapi/types.hpp: the scalar types of the socket API (socklen_t, uid_t, gid_t),
// with Linux's widths.
#pragma once

#include <cstdint>

namespace ksock {

using socklen_t = std::uint32_t;
using uid_t = std::uint32_t;
using gid_t = std::uint32_t;

} // namespace ksock
