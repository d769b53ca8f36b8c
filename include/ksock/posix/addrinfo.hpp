// ksock/posix/addrinfo.hpp: struct addrinfo in glibc's layout, with
// getaddrinfo's flags and error codes (glibc's <netdb.h> values): what the
// results pool (addrinfo_pool.hpp) and getaddrinfo (getaddrinfo.hpp) share.
#pragma once

#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::posix {

//! struct addrinfo, in glibc's layout.
struct addrinfo {
    int ai_flags;         //!< how to resolve: AI_* bits
    int ai_family;        //!< AF_INET (or AF_UNSPEC in hints)
    int ai_socktype;      //!< SOCK_STREAM, SOCK_DGRAM ... (0 in hints: any)
    int ai_protocol;      //!< IPPROTO_TCP ... (0 in hints: any)
    socklen_t ai_addrlen; //!< the length of *ai_addr
    sockaddr* ai_addr;    //!< the address, a sockaddr_in
    char* ai_canonname;   //!< the canonical name (AI_CANONNAME, first result only), or null
    addrinfo* ai_next;    //!< the next result, or null
};

//! ai_flags (glibc's <netdb.h>).
//!@{
inline constexpr int ai_passive = 0x0001;
inline constexpr int ai_canonname = 0x0002;
inline constexpr int ai_numerichost = 0x0004;
inline constexpr int ai_v4mapped = 0x0008;
inline constexpr int ai_all = 0x0010;
inline constexpr int ai_addrconfig = 0x0020;
inline constexpr int ai_numericserv = 0x0400;
inline constexpr int ai_idn = 0x0040;      //!< no effect on ASCII names
inline constexpr int ai_canonidn = 0x0080; //!< no effect on ASCII names
//! glibc's two retired IDN flags, still accepted.
inline constexpr int ai_idn_retired = 0x0100 | 0x0200;
inline constexpr int ai_known_flags = ai_passive | ai_canonname | ai_numerichost | ai_v4mapped |
                                      ai_all | ai_addrconfig | ai_numericserv | ai_idn |
                                      ai_canonidn | ai_idn_retired;
//!@}

//! getaddrinfo's error codes (glibc's <netdb.h>), gai_strerror's input.
//!@{
inline constexpr int eai_badflags = -1;
inline constexpr int eai_noname = -2;
inline constexpr int eai_again = -3;
inline constexpr int eai_fail = -4;
inline constexpr int eai_nodata = -5;
inline constexpr int eai_family = -6;
inline constexpr int eai_socktype = -7;
inline constexpr int eai_service = -8;
inline constexpr int eai_addrfamily = -9;
inline constexpr int eai_memory = -10;
inline constexpr int eai_system = -11;
inline constexpr int eai_overflow = -12;
//!@}

} // namespace ksock::posix
