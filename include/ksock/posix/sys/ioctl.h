// <ksock/posix/sys/ioctl.h>: ioctl() for the stack's descriptors and the
// requests a socket program uses (Linux's numbers).
#pragma once

#include <ksock/posix/calls.hpp>
#include <ksock/uapi/ioctls.hpp>

using ksock::posix::bsd::ioctl;

#define FIONREAD 0x541B
#define FIONBIO 0x5421
#define SIOCINQ FIONREAD
#define SIOCOUTQ 0x5411

static_assert(FIONREAD == ksock::fionread && FIONBIO == ksock::fionbio &&
                  SIOCOUTQ == ksock::siocoutq,
              "<ksock/posix/sys/ioctl.h>: its macros must be the stack's values");
