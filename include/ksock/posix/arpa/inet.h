// <ksock/posix/arpa/inet.h>: IPv4 addresses as text (inet_addr.hpp).
#pragma once

#include <ksock/posix/inet_addr.hpp>
#include <ksock/posix/netinet/in.h>

using ksock::posix::bsd::inet_addr;
using ksock::posix::bsd::inet_aton;
using ksock::posix::bsd::inet_ntoa;
using ksock::posix::bsd::inet_ntop;
using ksock::posix::bsd::inet_pton;
