// test/differential/loopback/backends.hpp: the two worlds a sequence runs in.
#pragma once

#include <memory>
#include <string>

#include "harness.hpp"

namespace ksock_loopback {

//! Prepares the host side once (a private network namespace when the
//! process may create one, see kernel_backend.cpp) and says what it did.
const std::string& kernel_setup();
//! Whether kernel_setup() moved the process into a namespace of its own.
bool kernel_private_netns();
//! A new private namespace for the following runs (false: none could be
//! made, or the process stays in the host's). Long runs use it so that the
//! TIME_WAIT sockets of earlier sequences never hold a port they reuse.
bool kernel_renew_netns();

std::unique_ptr<backend> make_kernel_backend();
std::unique_ptr<backend> make_ksock_backend();

} // namespace ksock_loopback
