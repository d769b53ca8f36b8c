// <ksock/posix/netdb.h>: getaddrinfo() for numeric hosts and the program's
// hosts table (getaddrinfo.hpp), with glibc's flags and error codes, and
// the services table (services.hpp) behind getservbyname/getservbyport.
#pragma once

#include <ksock/posix/getaddrinfo.hpp>
#include <ksock/posix/netinet/in.h>
#include <ksock/posix/services.hpp>
#include <ksock/posix/sys/socket.h>

using ksock::posix::addrinfo;
using ksock::posix::servent;
using ksock::posix::bsd::freeaddrinfo;
using ksock::posix::bsd::gai_strerror;
using ksock::posix::bsd::getaddrinfo;
using ksock::posix::bsd::getservbyname;
using ksock::posix::bsd::getservbyport;

#define AI_PASSIVE 0x0001
#define AI_CANONNAME 0x0002
#define AI_NUMERICHOST 0x0004
#define AI_V4MAPPED 0x0008
#define AI_ALL 0x0010
#define AI_ADDRCONFIG 0x0020
#define AI_NUMERICSERV 0x0400

#define EAI_BADFLAGS (-1)
#define EAI_NONAME (-2)
#define EAI_AGAIN (-3)
#define EAI_FAIL (-4)
#define EAI_NODATA (-5)
#define EAI_FAMILY (-6)
#define EAI_SOCKTYPE (-7)
#define EAI_SERVICE (-8)
#define EAI_ADDRFAMILY (-9)
#define EAI_MEMORY (-10)
#define EAI_SYSTEM (-11)
#define EAI_OVERFLOW (-12)

static_assert(AI_NUMERICSERV == ksock::posix::ai_numericserv &&
                  EAI_NONAME == ksock::posix::eai_noname &&
                  EAI_OVERFLOW == ksock::posix::eai_overflow,
              "<ksock/posix/netdb.h>: its macros must be the library's values");
