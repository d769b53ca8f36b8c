// bench/instructions.cpp: one case of runtime.cpp in a loop, for
// valgrind --tool=callgrind --instr-atstart=no: only the loop is instrumented
// (CALLGRIND_START_INSTRUMENTATION / CALLGRIND_STOP_INSTRUMENTATION around it).
//
//   instructions <case> <iterations>     run the case (names as in runtime.cpp,
//                                        plus loop/empty: the loop alone)
//   instructions --list                  print the case names
//
// callgrind.py runs each case twice (k and 2k iterations) and divides the
// difference by k, so the fixed cost of starting and stopping cancels out.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <valgrind/callgrind.h>

#ifndef KBENCH_KSOCK_ONLY
#include "datapath.hpp"
#include "dispatch.hpp"
#endif
#include "ops.hpp"

namespace {

using namespace kbench;

//! The loop alone: what every case pays besides its operation.
struct loop_only {
    bool setup() { return true; }
    int run() { return 0; }
    void teardown() {}
};

template <class Case>
int measure(long iterations) {
    static Case c; // batch cases hold 1000 fds: keep them off the stack
    if (!c.setup()) {
        std::fprintf(stderr, "setup failed: this stack cannot run the case here\n");
        return 2;
    }
    int bad = 0;
    CALLGRIND_START_INSTRUMENTATION;
    for (long i = 0; i < iterations; ++i) {
        auto r = c.run();
        launder(r);
        bad |= r < 0;
    }
    CALLGRIND_STOP_INSTRUMENTATION;
    c.teardown();
    if (bad) {
        std::fprintf(stderr, "the operation failed during the loop\n");
        return 3;
    }
    return 0;
}

#ifndef KBENCH_KSOCK_ONLY
//! The two operations of the dispatch benchmark.
enum class dop { so_type, proto_opt };

template <std::size_t N, dispatch::op_fn F, dop Op>
int measure_dispatch(long iterations) {
    if (!dispatch::world<N>::ready()) {
        std::fprintf(stderr, "dispatch world setup failed\n");
        return 2;
    }
    int level = Op == dop::so_type ? ksock::sol_socket : sol_bench;
    int optname = Op == dop::so_type ? ksock::so_type : 1;
    launder(level);
    launder(optname);
    int fd = 0;
    int v = 0;
    int bad = 0;
    CALLGRIND_START_INSTRUMENTATION;
    for (long i = 0; i < iterations; ++i) {
        ksock::socklen_t len = sizeof v;
        int r = F(fd, level, optname, &v, &len);
        launder(r);
        bad |= r;
        fd = fd + 1 == static_cast<int>(N) ? 0 : fd + 1;
    }
    CALLGRIND_STOP_INSTRUMENTATION;
    if (bad || (Op == dop::so_type && F != &dispatch::empty && v != ksock::sock_dgram)) {
        std::fprintf(stderr, "getsockopt failed\n");
        return 3;
    }
    return 0;
}

#endif

struct entry {
    std::string name;
    int (*fn)(long);
};

template <proto_kind K>
void add_socket_close(std::vector<entry>& v, const char* proto, bool with_lwip) {
    const std::string base = std::string("socket_close/") + proto + "/";
    v.push_back({base + "ksock", &measure<socket_close<ksock_rt, K>>});
    v.push_back({base + "ksock_static", &measure<socket_close<ksock_static<K>, K>>});
    v.push_back({base + "floor", &measure<socket_close<floor_stack<K>, K>>});
#ifndef KBENCH_KSOCK_ONLY
    if (with_lwip) {
        v.push_back({base + "lwip", &measure<socket_close<lwip, K>>});
#ifdef KBENCH_HAVE_LWIP_LEAN
        v.push_back({base + "lwip_lean", &measure<socket_close<lwip_lean, K>>});
#endif
    }
#else
    (void)with_lwip;
#endif
}

#ifndef KBENCH_KSOCK_ONLY
template <std::size_t N, dop Op>
void add_dispatch(std::vector<entry>& v, const char* op) {
    using W = dispatch::world<N>;
    const std::string base = std::string("dispatch/") + op + "/" + std::to_string(N) + "/";
    v.push_back({base + "empty", &measure_dispatch<N, &dispatch::empty, Op>});
    v.push_back({base + "direct", &measure_dispatch<N, &W::direct, Op>});
    v.push_back({base + "direct_fd", &measure_dispatch<N, &W::direct_fd, Op>});
    v.push_back({base + "fnptr", &measure_dispatch<N, &W::fnptr, Op>});
    v.push_back({base + "virtual", &measure_dispatch<N, &W::virt, Op>});
    v.push_back({base + "ksock", &measure_dispatch<N, &W::ksock, Op>});
}

template <dop Op>
void add_dispatch_all(std::vector<entry>& v, const char* op) {
    add_dispatch<1, Op>(v, op);
    add_dispatch<4, Op>(v, op);
    add_dispatch<16, Op>(v, op);
}

//! ksock's data-path cases (lwIP's work is mostly in its tcpip thread, which
//! a count of the calling thread would miss, and the kernel's is in kernel
//! mode: neither is counted). udp_send_recv and tcp_send_recv/64 are one
//! direction of udp_rr and tcp_pingpong/64, for the profiles.
void add_datapath(std::vector<entry>& v) {
    using S = dp::ksock_dp;
    v.push_back({"dp/udp_rr/ksock", &measure<dp::udp_rr<S>>});
    v.push_back({"dp/udp_send_recv/ksock", &measure<dp::udp_rr<S, true>>});
    v.push_back({"dp/tcp_pingpong/1/ksock", &measure<dp::tcp_pingpong<S, 1>>});
    v.push_back({"dp/tcp_pingpong/64/ksock", &measure<dp::tcp_pingpong<S, 64>>});
    v.push_back({"dp/tcp_send_recv/64/ksock", &measure<dp::tcp_pingpong<S, 64, true>>});
    // The same on a stack with room for 1024 TCP socks (2 of them in use).
    v.push_back(
        {"dp/tcp_send_recv/64/ksock_1024", &measure<dp::tcp_pingpong<dp::ksock_dp_big, 64, true>>});
    v.push_back({"dp/udp_send_recv/ksock_1024", &measure<dp::udp_rr<dp::ksock_dp_big, true>>});
    v.push_back({"dp/tcp_pingpong/1460/ksock", &measure<dp::tcp_pingpong<S, 1460>>});
    v.push_back({"dp/tcp_pingpong/16384/ksock", &measure<dp::tcp_pingpong<S, 16384>>});
    v.push_back({"dp/unix_stream/ksock", &measure<dp::unix_pingpong<S, SOCK_STREAM>>});
    v.push_back({"dp/unix_dgram/ksock", &measure<dp::unix_pingpong<S, SOCK_DGRAM>>});
    v.push_back({"dp/tcp_cycle/ksock", &measure<dp::tcp_cycle<S, false>>});
    v.push_back({"dp/tcp_cycle_graceful/ksock", &measure<dp::tcp_cycle<S, true>>});
    v.push_back({"dp/poll/1/ksock", &measure<dp::poll_n<S, 1>>});
    v.push_back({"dp/poll/8/ksock", &measure<dp::poll_n<S, 8>>});
    v.push_back({"dp/poll/32/ksock", &measure<dp::poll_n<S, 32>>});
}

#endif // KBENCH_KSOCK_ONLY

std::vector<entry> cases() {
    std::vector<entry> v;
    v.push_back({"loop/empty", &measure<loop_only>});
    add_socket_close<proto_kind::tcp>(v, "tcp", true);
    add_socket_close<proto_kind::udp>(v, "udp", true);
    add_socket_close<proto_kind::unix_stream>(v, "unix", false);
#ifndef KBENCH_KSOCK_ONLY
    v.push_back({"batch1000/tcp/ksock", &measure<batch<ksock_rt, proto_kind::tcp>>});
    v.push_back({"batch1000/tcp/ksock_static",
                 &measure<batch<ksock_static<proto_kind::tcp>, proto_kind::tcp>>});
    v.push_back({"batch1000/tcp/lwip", &measure<batch<lwip, proto_kind::tcp>>});
    v.push_back({"getsockopt_so_type/ksock", &measure<getsockopt_type<ksock_rt>>});
    v.push_back({"getsockopt_so_type/lwip", &measure<getsockopt_type<lwip>>});
    v.push_back({"fcntl_getfl/ksock", &measure<fcntl_getfl<ksock_rt>>});
    v.push_back({"fcntl_getfl/lwip", &measure<fcntl_getfl<lwip>>});
#ifdef KBENCH_HAVE_LWIP_LEAN
    v.push_back({"batch1000/tcp/lwip_lean", &measure<batch<lwip_lean, proto_kind::tcp>>});
    v.push_back({"getsockopt_so_type/lwip_lean", &measure<getsockopt_type<lwip_lean>>});
    v.push_back({"fcntl_getfl/lwip_lean", &measure<fcntl_getfl<lwip_lean>>});
#endif
    add_dispatch_all<dop::so_type>(v, "so_type");
    add_dispatch_all<dop::proto_opt>(v, "proto_opt");
    add_datapath(v);
#endif
    return v;
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<entry> all = cases();
    if (argc == 2 && std::strcmp(argv[1], "--list") == 0) {
        for (const entry& e : all)
            std::printf("%s\n", e.name.c_str());
        return 0;
    }
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s <case> <iterations> | --list\n", argv[0]);
        return 1;
    }
    const long iterations = std::strtol(argv[2], nullptr, 10);
    for (const entry& e : all)
        if (e.name == argv[1])
            return e.fn(iterations);
    std::fprintf(stderr, "unknown case %s (--list prints them)\n", argv[1]);
    return 1;
}
