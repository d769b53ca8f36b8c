// bench/runtime.cpp: run time of ksock, lwIP and the host kernel in one
// binary and one run (Google Benchmark), and of the dispatch designs.
//
//   socket_close/<proto>/<stack>   socket() + close(); proto tcp, udp, unix
//                                  (lwIP has no AF_UNIX); stack ksock (run-time
//                                  resolved), ksock_static (socket<F,T,P>()),
//                                  floor (floor.hpp), lwip (Debian's build),
//                                  lwip_lean (built here, when its source
//                                  package could be fetched), kernel
//   batch1000/tcp/<stack>          1000 socket() then 1000 close()
//   getsockopt_so_type/<stack>     getsockopt(fd, SOL_SOCKET, SO_TYPE)
//   fcntl_getfl/<stack>            fcntl(fd, F_GETFL)
//   dispatch/<op>/<N>/<variant>    see dispatch.hpp; op so_type (SOL_SOCKET,
//                                  SO_TYPE) or proto_opt (the entry's own
//                                  level, through the ops); N entries
//   dp/<case>/<stack>              the data path over loopback (datapath.hpp):
//                                  udp_rr, tcp_pingpong/<N>, unix_stream,
//                                  unix_dgram, tcp_cycle, tcp_cycle_graceful,
//                                  poll/<N>; stack ksock, lwip, kernel
//
// A case that cannot run here is reported as an error, never as a number.
#include <cstdio>
#include <string>
#include <type_traits>

#include <benchmark/benchmark.h>

#include "datapath.hpp"
#include "dispatch.hpp"
#include "ops.hpp"

namespace {

using namespace kbench;

template <class Case>
void run_case(benchmark::State& state, long items_per_run) {
    Case c;
    if (!c.setup()) {
        state.SkipWithError("setup failed: this stack cannot run the case here");
        return;
    }
    for (auto _ : state) {
        auto r = c.run();
        benchmark::DoNotOptimize(r);
    }
    c.teardown();
    state.SetItemsProcessed(state.iterations() * items_per_run);
}

template <class Case>
benchmark::internal::Benchmark* add(const std::string& name, long items_per_run = 1) {
    return benchmark::RegisterBenchmark(
        name.c_str(), [items_per_run](benchmark::State& st) { run_case<Case>(st, items_per_run); });
}

//! A data-path case: lwIP moves every looped packet in its tcpip thread, so
//! the CPU time is the whole process's (the calling thread's alone would
//! miss most of lwIP's work); ksock and the kernel run in the caller.
template <class Case>
benchmark::internal::Benchmark* add_dp(const std::string& name) {
    return add<Case>(name)->MeasureProcessCPUTime();
}

template <proto_kind K>
void add_socket_close(const char* proto, bool with_lwip) {
    const std::string base = std::string("socket_close/") + proto + "/";
    add<socket_close<ksock_rt, K>>(base + "ksock");
    add<socket_close<ksock_static<K>, K>>(base + "ksock_static");
    add<socket_close<floor_stack<K>, K>>(base + "floor");
    if (with_lwip) {
        add<socket_close<lwip, K>>(base + "lwip");
#ifdef KBENCH_HAVE_LWIP_LEAN
        add<socket_close<lwip_lean, K>>(base + "lwip_lean");
#endif
    }
    add<socket_close<kernel, K>>(base + "kernel");
}

//! The two operations of the dispatch benchmark.
enum class dop { so_type, proto_opt };

template <std::size_t N, dispatch::op_fn F, dop Op>
void dispatch_loop(benchmark::State& state) {
    using W = dispatch::world<N>;
    if (!W::ready()) {
        state.SkipWithError("dispatch world setup failed");
        return;
    }
    int level = Op == dop::so_type ? ksock::sol_socket : sol_bench;
    int optname = Op == dop::so_type ? ksock::so_type : 1;
    benchmark::DoNotOptimize(level);
    benchmark::DoNotOptimize(optname);
    int fd = 0;
    int v = 0;
    int bad = 0;
    for (auto _ : state) {
        ksock::socklen_t len = sizeof v;
        int r = F(fd, level, optname, &v, &len);
        benchmark::DoNotOptimize(r);
        bad |= r;
        fd = fd + 1 == static_cast<int>(N) ? 0 : fd + 1;
    }
    if (bad || (Op == dop::so_type && F != &dispatch::empty && v != ksock::sock_dgram))
        state.SkipWithError("getsockopt failed");
}

template <std::size_t N, dop Op>
void add_dispatch(const char* op) {
    using W = dispatch::world<N>;
    const std::string base = std::string("dispatch/") + op + "/" + std::to_string(N) + "/";
    benchmark::RegisterBenchmark((base + "empty").c_str(), dispatch_loop<N, &dispatch::empty, Op>);
    benchmark::RegisterBenchmark((base + "direct").c_str(), dispatch_loop<N, &W::direct, Op>);
    benchmark::RegisterBenchmark((base + "direct_fd").c_str(), dispatch_loop<N, &W::direct_fd, Op>);
    benchmark::RegisterBenchmark((base + "fnptr").c_str(), dispatch_loop<N, &W::fnptr, Op>);
    benchmark::RegisterBenchmark((base + "virtual").c_str(), dispatch_loop<N, &W::virt, Op>);
    benchmark::RegisterBenchmark((base + "ksock").c_str(), dispatch_loop<N, &W::ksock, Op>);
}

template <dop Op>
void add_dispatch_all(const char* op) {
    add_dispatch<1, Op>(op);
    add_dispatch<4, Op>(op);
    add_dispatch<16, Op>(op);
}

//! The data-path cases against one stack (lwIP has no AF_UNIX).
template <class S>
void add_datapath() {
    const std::string s = S::name;
    add_dp<dp::udp_rr<S>>("dp/udp_rr/" + s);
    add_dp<dp::tcp_pingpong<S, 1>>("dp/tcp_pingpong/1/" + s);
    add_dp<dp::tcp_pingpong<S, 64>>("dp/tcp_pingpong/64/" + s);
    add_dp<dp::tcp_pingpong<S, 1460>>("dp/tcp_pingpong/1460/" + s);
    add_dp<dp::tcp_pingpong<S, 16384>>("dp/tcp_pingpong/16384/" + s);
    if constexpr (S::has_unix) {
        add_dp<dp::unix_pingpong<S, SOCK_STREAM>>("dp/unix_stream/" + s);
        add_dp<dp::unix_pingpong<S, SOCK_DGRAM>>("dp/unix_dgram/" + s);
    }
    auto* cycle = add_dp<dp::tcp_cycle<S, false>>("dp/tcp_cycle/" + s);
    // lwIP aborts on SO_LINGER {1, 0} only when data is unsent or unacked
    // (api_msg.c), so every cycle leaves a TIME_WAIT pcb for 2 MSL (120 s):
    // tcp_new_port walks them all per connect, and after 16384 cycles it
    // spins over an exhausted port range. Its row is the first 1000 cycles
    // of each repetition.
    if constexpr (std::is_same_v<S, dp::lwip_dp>)
        cycle->Iterations(1000);
    add_dp<dp::poll_n<S, 1>>("dp/poll/1/" + s);
    add_dp<dp::poll_n<S, 8>>("dp/poll/8/" + s);
    add_dp<dp::poll_n<S, 32>>("dp/poll/32/" + s);
}

} // namespace

int main(int argc, char** argv) {
    add_socket_close<proto_kind::tcp>("tcp", true);
    add_socket_close<proto_kind::udp>("udp", true);
    add_socket_close<proto_kind::unix_stream>("unix", false);

    add<batch<ksock_rt, proto_kind::tcp>>("batch1000/tcp/ksock", batch_size);
    add<batch<ksock_static<proto_kind::tcp>, proto_kind::tcp>>("batch1000/tcp/ksock_static",
                                                               batch_size);
    add<batch<lwip, proto_kind::tcp>>("batch1000/tcp/lwip", batch_size);
#ifdef KBENCH_HAVE_LWIP_LEAN
    add<batch<lwip_lean, proto_kind::tcp>>("batch1000/tcp/lwip_lean", batch_size);
    add<getsockopt_type<lwip_lean>>("getsockopt_so_type/lwip_lean");
    add<fcntl_getfl<lwip_lean>>("fcntl_getfl/lwip_lean");
#endif
    add<batch<kernel, proto_kind::tcp>>("batch1000/tcp/kernel", batch_size);

    add<getsockopt_type<ksock_rt>>("getsockopt_so_type/ksock");
    add<getsockopt_type<lwip>>("getsockopt_so_type/lwip");
    add<getsockopt_type<kernel>>("getsockopt_so_type/kernel");
    add<fcntl_getfl<ksock_rt>>("fcntl_getfl/ksock");
    add<fcntl_getfl<lwip>>("fcntl_getfl/lwip");
    add<fcntl_getfl<kernel>>("fcntl_getfl/kernel");

    add_dispatch_all<dop::so_type>("so_type");
    add_dispatch_all<dop::proto_opt>("proto_opt");

    add_datapath<dp::ksock_dp>();
    add_datapath<dp::lwip_dp>();
    add_datapath<dp::kernel_dp>();
    // An orderly close leaves TIME_WAIT behind: ksock's 16 entries fill and
    // later closes skip it (Linux's tw bucket overflow), so the cycle has a
    // steady state; the kernel's and lwIP's grow for 60 s / 120 s per entry
    // and run out of ephemeral ports in a loop, so only ksock has this row.
    add_dp<dp::tcp_cycle<dp::ksock_dp, true>>("dp/tcp_cycle_graceful/ksock");

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
