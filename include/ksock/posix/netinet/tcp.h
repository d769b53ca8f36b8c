// <ksock/posix/netinet/tcp.h>: the IPPROTO_TCP options (Linux's values).
#pragma once

#include <ksock/uapi/tcp.hpp>

#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_CORK 3
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
#define TCP_USER_TIMEOUT 18

static_assert(TCP_NODELAY == ksock::tcp_nodelay && TCP_KEEPCNT == ksock::tcp_keepcnt &&
                  TCP_USER_TIMEOUT == ksock::tcp_user_timeout,
              "<ksock/posix/netinet/tcp.h>: its macros must be the stack's values");
