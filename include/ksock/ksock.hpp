// ksock/ksock.hpp: everything a user of ksock needs, in one include (for
// users only; ksock's own headers include exactly what they use): the stack,
// the default config with PF_UNIX and PF_INET, the layout casts, the POSIX
// facade and every user-visible number.
#pragma once

// clang-format off
#include <ksock/platform.hpp> // first: below C++20 it stops the compiler with one message
// clang-format on

#include <ksock/config.hpp>
#include <ksock/default_config.hpp>
#include <ksock/inet/family.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/posix.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/cmsg.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/icmp.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/ioctls.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/tcp.hpp>
#include <ksock/uapi/types.hpp>
#include <ksock/uapi/udp.hpp>
#include <ksock/unix/af_unix.hpp>
#include <ksock/version.hpp>
