// ksock/uapi/ioctls.hpp: the ioctl requests a socket answers
// (include/uapi/asm-generic/ioctls.h, linux/sockios.h).
#pragma once

namespace ksock {

//! ioctl(2) requests a socket answers, numbered as in include/uapi/asm-generic/ioctls.h and
//! linux/sockios.h; the SIOC* aliases are the same numbers as their FIO*/TIOC* twins.
//!@{
inline constexpr unsigned long fionread = 0x541b; //!< = SIOCINQ
inline constexpr unsigned long siocinq = fionread;
inline constexpr unsigned long tiocoutq = 0x5411; //!< = SIOCOUTQ
inline constexpr unsigned long siocoutq = tiocoutq;
inline constexpr unsigned long fionbio = 0x5421;
inline constexpr unsigned long fionclex = 0x5450;
inline constexpr unsigned long fioclex = 0x5451;
inline constexpr unsigned long fioasync = 0x5452;
inline constexpr unsigned long fiosetown = 0x8901;
inline constexpr unsigned long siocspgrp = 0x8902;
inline constexpr unsigned long fiogetown = 0x8903;
inline constexpr unsigned long siocgpgrp = 0x8904;
inline constexpr unsigned long siocatmark = 0x8905;
inline constexpr unsigned long siocgstamp_old = 0x8906;
inline constexpr unsigned long siocgstampns_old = 0x8907;
inline constexpr unsigned long siocgstamp_new = 0x80108906; //!< _IOR(0x89, 6, long long[2])
inline constexpr unsigned long siocgstampns_new = 0x80108907;
inline constexpr unsigned long siocoutqnsd = 0x894b;
//!@}
//! SIOCDEVPRIVATE .. SIOCDEVPRIVATE + 15: a driver's own requests, on a
//! struct ifreq naming the device.
inline constexpr unsigned long siocdevprivate = 0x89f0;

} // namespace ksock
