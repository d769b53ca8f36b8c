// ksock/ksock.hpp: everything a user of ksock needs, in one include (for
// users only; ksock's own headers include exactly what they use).
#pragma once

#include <ksock/config.hpp>
#include <ksock/inet/family.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/posix.hpp>
#include <ksock/stack.hpp>
#include <ksock/unix/af_unix.hpp>
