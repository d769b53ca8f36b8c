// <ksock/posix/sys/socket.h>: <sys/socket.h> over ksock, for a BSD-sockets
// program that swaps its includes and changes nothing else. The calls go to
// the program's one stack (<ksock/posix/current_stack.hpp>); the macros have
// Linux's values, which the stack takes.
//
// A file includes either these headers or the C library's socket headers:
// both declare socket(), sockaddr and the rest in the global namespace.
#pragma once

#include <ksock/posix/calls.hpp>
#include <ksock/uapi/cmsg.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

using ksock::cmsghdr;
using ksock::iovec;
using ksock::linger;
using ksock::msghdr;
using ksock::sa_family_t;
using ksock::sockaddr;
using ksock::sockaddr_storage;
using ksock::socklen_t;
using ksock::ucred;

using ksock::posix::bsd::accept;
using ksock::posix::bsd::accept4;
using ksock::posix::bsd::bind;
using ksock::posix::bsd::connect;
using ksock::posix::bsd::getpeername;
using ksock::posix::bsd::getsockname;
using ksock::posix::bsd::getsockopt;
using ksock::posix::bsd::listen;
using ksock::posix::bsd::recv;
using ksock::posix::bsd::recvfrom;
using ksock::posix::bsd::recvmsg;
using ksock::posix::bsd::send;
using ksock::posix::bsd::sendmsg;
using ksock::posix::bsd::sendto;
using ksock::posix::bsd::setsockopt;
using ksock::posix::bsd::shutdown;
using ksock::posix::bsd::socket;
using ksock::posix::bsd::socketpair;

// Families.
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_LOCAL 1
#define AF_INET 2
#define AF_INET6 10
#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX AF_UNIX
#define PF_LOCAL AF_LOCAL
#define PF_INET AF_INET
#define PF_INET6 AF_INET6

// Types and their flags.
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000

// Levels and SOL_SOCKET options.
#define SOL_SOCKET 1
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39

// Message flags.
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_ERRQUEUE 0x2000
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_CMSG_CLOEXEC 0x40000000

// shutdown(2)'s how.
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

//! SOMAXCONN: listen()'s cap, net.core.somaxconn's default since Linux 5.4.
#define SOMAXCONN 4096

static_assert(AF_INET == ksock::af_inet && AF_UNIX == ksock::af_unix &&
                  SOCK_STREAM == ksock::sock_stream && SOCK_NONBLOCK == ksock::sock_nonblock &&
                  SOCK_CLOEXEC == ksock::sock_cloexec && SOL_SOCKET == ksock::sol_socket &&
                  SO_ERROR == ksock::so_error && SO_RCVTIMEO == ksock::so_rcvtimeo &&
                  SO_LINGER == ksock::so_linger && MSG_NOSIGNAL == ksock::msg_nosignal &&
                  MSG_DONTWAIT == ksock::msg_dontwait && SHUT_RDWR == ksock::shut_rdwr,
              "<ksock/posix/sys/socket.h>: its macros must be the stack's values");
