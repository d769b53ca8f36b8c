// ksock/default_config.hpp: the stack most programs start from: PF_UNIX and
// PF_INET with Linux's tables, over lo (the one generic-layer file that names
// them).
#pragma once

// clang-format off
#include <ksock/platform.hpp> // first: below C++20 it stops the compiler with one message
// clang-format on

#include <ksock/config.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/inet/family.hpp>
#include <ksock/stack.hpp>
#include <ksock/unix/af_unix.hpp>

namespace ksock {

//! PF_UNIX and PF_INET over lo; 64 fds, 64 sockets, 32 objects per proto.
struct default_config : stack_config {
    //! PF_UNIX, then PF_INET.
    using families = type_list<unix_domain::unix_family, inet::inet_family>;
    using devices = type_list<drivers::loopback>; //!< lo alone
};

//! A stack of default_config.
using default_stack = stack<default_config>;

} // namespace ksock
