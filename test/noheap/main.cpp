// test/noheap/main.cpp: proves that no heap allocation is reachable from a
// stack's socket / socketpair / getsockopt / setsockopt / fcntl / dup / close
// paths. The program is linked with the allocators wrapped; every wrapped
// call is counted, and the count must not move while the stack works.
#include <cstddef>
#include <cstdio>

#include <ksock/ksock.hpp>

extern "C" {
void* __real_malloc(std::size_t);
void* __real_calloc(std::size_t, std::size_t);
void* __real_realloc(void*, std::size_t);
}
void* __real__Znwm(std::size_t);
void* __real__Znam(std::size_t);

namespace {
volatile unsigned long allocations = 0;
}

extern "C" {
void* __wrap_malloc(std::size_t n) {
    allocations = allocations + 1;
    return __real_malloc(n);
}
void* __wrap_calloc(std::size_t a, std::size_t b) {
    allocations = allocations + 1;
    return __real_calloc(a, b);
}
void* __wrap_realloc(void* p, std::size_t n) {
    allocations = allocations + 1;
    return __real_realloc(p, n);
}
void* __wrap__Znwm(std::size_t n) {
    allocations = allocations + 1;
    return __real_malloc(n);
}
void* __wrap__Znam(std::size_t n) {
    allocations = allocations + 1;
    return __real_malloc(n);
}
}

namespace {
constinit ksock::default_stack s;
}

int main() {
    s.boot();
    const unsigned long before = allocations;
    int ok = 0;
    for (int round = 0; round < 100; ++round) {
        for (int family : {ksock::pf_unix, ksock::pf_inet, 46, -1})
            for (int type : {ksock::sock_stream, ksock::sock_dgram, ksock::sock_raw,
                             ksock::sock_seqpacket | ksock::sock_nonblock})
                for (int protocol : {0, 1, 6, 17, 255, -1}) {
                    const int fd = s.socket(family, type, protocol);
                    if (fd < 0)
                        continue;
                    ++ok;
                    int v = 0;
                    ksock::socklen_t len = sizeof v;
                    s.getsockopt(fd, ksock::sol_socket, ksock::so_rcvbuf, &v, &len);
                    v = 4096;
                    s.setsockopt(fd, ksock::sol_socket, ksock::so_rcvbuf, &v, sizeof v);
                    s.getsockopt(fd, ksock::sol_tcp, ksock::tcp_info, &v, &len);
                    s.fcntl(fd, ksock::f_setfl, ksock::o_nonblock);
                    const int d = s.dup(fd);
                    s.close(fd);
                    s.close(d);
                }
        int sv[2];
        if (s.socketpair(ksock::pf_unix, ksock::sock_stream, 0, sv) == 0) {
            s.close(sv[0]);
            s.close(sv[1]);
        }
        s.socketpair(ksock::pf_inet, ksock::sock_stream, 0, sv);
        (void)s.socket<ksock::pf_inet, ksock::sock_stream, 0>();
        s.close(0);
    }
    const unsigned long during = allocations - before;
    std::printf("noheap: %d sockets created and closed, %lu heap allocations (must be 0)\n", ok,
                during);
    return during == 0 && ok > 0 && s.sockets_in_use() == 0 ? 0 : 1;
}
