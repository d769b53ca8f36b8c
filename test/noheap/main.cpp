// test/noheap/main.cpp: proves that no heap allocation is reachable from a
// stack's socket / socketpair / getsockopt / setsockopt / fcntl / dup / close
// paths, nor from the POSIX layer's getaddrinfo / freeaddrinfo /
// getservbyname (whose results glibc mallocs). The program is linked with
// the allocators wrapped; every wrapped call is counted, and the count must
// not move while the stack works.
#include <cstddef>
#include <cstdio>

#include <ksock/ksock.hpp>
#include <ksock/posix/getaddrinfo.hpp>
#include <ksock/posix/services.hpp>

// The linker's --wrap convention names the wrappers __wrap_malloc and
// __real_malloc: names C++ reserves, which this test must declare.
#ifdef __clang__
#pragma clang diagnostic ignored "-Wreserved-identifier"
#endif

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

//! getaddrinfo's answers, their errors (the pool's EAI_MEMORY among them)
//! and freeaddrinfo: the results it made, or -1 for a wrong answer.
int resolve_round() {
    namespace kp = ksock::posix;
    int made = 0;
    kp::addrinfo* held[kp::addrinfo_blocks] = {};
    std::size_t n = 0;
    // Until the pool is empty: numeric and table hosts, numeric and named services.
    const char* const nodes[] = {"127.0.0.1", "localhost", "0x7f.1"};
    const char* const services[] = {"7", "http", "echo", nullptr};
    for (int i = 0;; ++i) {
        kp::addrinfo* r = nullptr;
        const int e = kp::bsd::getaddrinfo(nodes[i % 3], services[i % 4], nullptr, &r);
        if (e == kp::eai_memory)
            break;
        if (e != 0 || r == nullptr || n == kp::addrinfo_blocks)
            return -1;
        for (const kp::addrinfo* p = r; p != nullptr; p = p->ai_next)
            ++made;
        held[n++] = r;
    }
    kp::addrinfo hints{};
    hints.ai_flags = kp::ai_canonname;
    kp::addrinfo* r = nullptr;
    if (kp::bsd::getaddrinfo("no.such.host", "7", &hints, &r) != kp::eai_noname ||
        kp::bsd::getaddrinfo("127.0.0.1", "no-such-service", &hints, &r) != kp::eai_service)
        return -1;
    while (n > 0)
        kp::bsd::freeaddrinfo(held[--n]);
    if (kp::bsd::getaddrinfo("localhost", "https", &hints, &r) != 0)
        return -1;
    kp::bsd::freeaddrinfo(r);
    if (kp::bsd::getservbyname("www", "tcp") == nullptr ||
        kp::bsd::getservbyport(ksock::cpu_to_be16(53), nullptr) == nullptr)
        return -1;
    return kp::addrinfo_blocks_free() == kp::addrinfo_blocks ? made : -1;
}
} // namespace

int main() {
    s.boot();
    const unsigned long before = allocations;
    int ok = 0;
    int results = 0;
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
        const int made = resolve_round();
        if (made < 0) {
            std::printf("noheap: getaddrinfo answered wrongly in round %d\n", round);
            return 1;
        }
        results += made;
    }
    const unsigned long during = allocations - before;
    std::printf("noheap: %d sockets created and closed, %d getaddrinfo results made and freed, "
                "%lu heap allocations (must be 0)\n",
                ok, results, during);
    return during == 0 && ok > 0 && results > 0 && s.sockets_in_use() == 0 ? 0 : 1;
}
