// test/differential/loopback/backends.hpp: the two worlds a sequence runs in.
#pragma once

#include <memory>
#include <string>

#include "harness.hpp"

namespace ksock_loopback {

//! Prepares the host side once (a private network namespace when the
//! process may create one, see kernel_backend.cpp) and says what it did.
const std::string& kernel_setup();

std::unique_ptr<backend> make_kernel_backend();
std::unique_ptr<backend> make_ksock_backend();

} // namespace ksock_loopback
