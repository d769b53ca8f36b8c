// <ksock/posix/poll.h>: poll() for the stack's descriptors, struct pollfd
// and the POLL* bits (Linux's values, as plain int constants so that
// `revents & POLLIN` stays an int).
#pragma once

#include <ksock/posix/calls.hpp>
#include <ksock/uapi/poll.hpp>

using ksock::pollfd;
using ksock::posix::bsd::nfds_t;
using ksock::posix::bsd::poll;

#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define POLLRDHUP 0x2000

static_assert(POLLIN == ksock::pollin && POLLOUT == ksock::pollout && POLLNVAL == ksock::pollnval &&
                  POLLRDHUP == ksock::pollrdhup,
              "<ksock/posix/poll.h>: its macros must be the stack's values");
