// <ksock/posix/netinet/in.h>: IPv4 addresses, protocol numbers and the
// byte-order functions, with Linux's values and layouts; in6_addr for IPv6
// text (inet_pton/inet_ntop), the stack having no IPv6 sockets.
#pragma once

#include <ksock/posix/inet_addr.hpp>
#include <ksock/posix/sys/socket.h>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/sockaddr.hpp>

using ksock::in_addr;
using ksock::sockaddr_in;
using ksock::posix::in6_addr;
using ksock::posix::in_addr_t;
using ksock::posix::in_port_t;
using ksock::posix::bsd::htonl;
using ksock::posix::bsd::htons;
using ksock::posix::bsd::ntohl;
using ksock::posix::bsd::ntohs;

#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_RAW 255

// Host byte order, as <netinet/in.h> has them.
#define INADDR_ANY ((in_addr_t)0x00000000)
#define INADDR_BROADCAST ((in_addr_t)0xffffffff)
#define INADDR_NONE ((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK ((in_addr_t)0x7f000001)

#define INET_ADDRSTRLEN 16
#define INET6_ADDRSTRLEN 46
// in6_addr's bytes, as Linux names them (inet6_addr.hpp); a libc header
// seen first keeps its own definition.
#ifndef s6_addr
#define s6_addr in6_u.u6_addr8
#endif

// IPPROTO_IP options.
#define IP_TOS 1
#define IP_TTL 2
#define IP_HDRINCL 3
#define IP_PKTINFO 8
#define IP_RECVERR 11
#define IP_MULTICAST_TTL 33
#define IP_MULTICAST_LOOP 34

static_assert(IPPROTO_TCP == ksock::ipproto_tcp && IPPROTO_UDP == ksock::ipproto_udp &&
                  INADDR_LOOPBACK == ksock::inaddr_loopback && IP_TTL == ksock::ip_ttl &&
                  IP_RECVERR == ksock::ip_recverr &&
                  INET_ADDRSTRLEN == ksock::posix::inet_addrstrlen &&
                  INET6_ADDRSTRLEN == ksock::posix::inet6_addrstrlen,
              "<ksock/posix/netinet/in.h>: its macros must be the stack's values");
