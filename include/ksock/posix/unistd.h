// <ksock/posix/unistd.h>: close, read and write of <unistd.h> for the
// stack's descriptors (<ksock/posix/sys/socket.h> says how the calls reach
// the stack). The C library's <unistd.h> declares the same three for the
// system's descriptors: a file includes one or the other.
#pragma once

#include <ksock/posix/calls.hpp>

using ksock::posix::bsd::close;
using ksock::posix::bsd::dup;
using ksock::posix::bsd::dup2;
using ksock::posix::bsd::read;
using ksock::posix::bsd::ssize_t;
using ksock::posix::bsd::write;
