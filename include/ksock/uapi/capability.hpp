// ksock/uapi/capability.hpp: the capabilities the socket layer checks
// (include/uapi/linux/capability.h).
#pragma once

namespace ksock {

//! The capability numbers (CAP_*) the socket layer checks, as include/uapi/linux/capability.h
//! numbers them; cap_last_cap is CAP_LAST_CAP.
//!@{
inline constexpr int cap_chown = 0;
inline constexpr int cap_fowner = 3;
inline constexpr int cap_net_bind_service = 10;
inline constexpr int cap_net_broadcast = 11;
inline constexpr int cap_net_admin = 12;
inline constexpr int cap_net_raw = 13;
inline constexpr int cap_sys_admin = 21;
inline constexpr int cap_sys_resource = 24;
inline constexpr int cap_last_cap = 40;
//!@}

} // namespace ksock
