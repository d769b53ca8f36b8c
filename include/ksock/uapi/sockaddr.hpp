// ksock/uapi/sockaddr.hpp: socket addresses (include/uapi/linux/socket.h,
// in.h, un.h) with Linux's layouts, so a program's own sockaddr_in or
// sockaddr_un can be passed in by a reinterpret_cast, as to the syscalls.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ksock {

using sa_family_t =
    unsigned short; //!< an address family (AF_*); unsigned short, as __kernel_sa_family_t

//! struct sockaddr: the generic address every call takes.
struct sockaddr {
    sa_family_t sa_family; //!< the family (AF_*): which layout the rest has
    char sa_data[14];      //!< the family's address bytes
};

//! struct __kernel_sockaddr_storage: the largest address (128 bytes); the
//! syscalls refuse a longer one with EINVAL (move_addr_to_kernel).
struct alignas(8) sockaddr_storage {
    sa_family_t ss_family; //!< the family (AF_*)
    char data[126];        //!< the address, as its family lays it out
};

//! struct in_addr: an IPv4 address in network byte order.
struct in_addr {
    std::uint32_t s_addr; //!< the address, in network byte order
};

//! struct sockaddr_in: port and address in network byte order.
struct sockaddr_in {
    sa_family_t sin_family; //!< AF_INET
    std::uint16_t sin_port; //!< the port, in network byte order
    in_addr sin_addr;       //!< the address, in network byte order
    unsigned char
        sin_zero[8]; //!< padding to the size of struct sockaddr; not checked by bind or connect
};

//! UNIX_PATH_MAX.
inline constexpr std::size_t unix_path_max = 108;

//! struct sockaddr_un: a filesystem path, or an abstract name when
//! sun_path[0] is NUL (the name is then every byte up to addrlen).
struct sockaddr_un {
    sa_family_t sun_family; //!< AF_UNIX
    char
        sun_path[unix_path_max]; //!< the path, NUL-terminated or not; or NUL then the abstract name
};

//! INADDR_* in host byte order, as <netinet/in.h> defines them: compare them with
//! be32_to_cpu(s_addr).
//!@{
inline constexpr std::uint32_t inaddr_any = 0x00000000u;
inline constexpr std::uint32_t inaddr_broadcast = 0xffffffffu;
inline constexpr std::uint32_t inaddr_loopback = 0x7f000001u;
//!@}

static_assert(sizeof(sockaddr) == 16 && sizeof(sockaddr_in) == 16 &&
                  sizeof(sockaddr_storage) == 128 && sizeof(sockaddr_un) == 110,
              "ksock: socket addresses must have Linux's sizes");
static_assert(offsetof(sockaddr_in, sin_port) == 2 && offsetof(sockaddr_in, sin_addr) == 4,
              "ksock::sockaddr_in: must have Linux's layout");

} // namespace ksock
