// bench/runtime.cpp: run time of ksock, lwIP and the host kernel in one
// binary and one run (Google Benchmark), and of the dispatch designs.
//
//   socket_close/<proto>/<stack>   socket() + close(); proto tcp, udp, unix
//                                  (lwIP has no AF_UNIX); stack ksock (run-time
//                                  resolved), ksock_static (socket<F,T,P>()),
//                                  lwip, kernel
//   batch1000/tcp/<stack>          1000 socket() then 1000 close()
//   getsockopt_so_type/<stack>     getsockopt(fd, SOL_SOCKET, SO_TYPE)
//   fcntl_getfl/<stack>            fcntl(fd, F_GETFL)
//   dispatch/<op>/<N>/<variant>    see dispatch.hpp; op so_type (SOL_SOCKET,
//                                  SO_TYPE) or proto_opt (the entry's own
//                                  level, through the ops); N entries
//
// A case that cannot run here is reported as an error, never as a number.
#include <cstdio>
#include <string>

#include <benchmark/benchmark.h>

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
        int r = c.run();
        benchmark::DoNotOptimize(r);
    }
    c.teardown();
    state.SetItemsProcessed(state.iterations() * items_per_run);
}

template <class Case>
void add(const std::string& name, long items_per_run = 1) {
    benchmark::RegisterBenchmark(
        name.c_str(), [items_per_run](benchmark::State& st) { run_case<Case>(st, items_per_run); });
}

template <proto_kind K>
void add_socket_close(const char* proto, bool with_lwip) {
    const std::string base = std::string("socket_close/") + proto + "/";
    add<socket_close<ksock_rt, K>>(base + "ksock");
    add<socket_close<ksock_static<K>, K>>(base + "ksock_static");
    if (with_lwip)
        add<socket_close<lwip, K>>(base + "lwip");
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

} // namespace

int main(int argc, char** argv) {
    add_socket_close<proto_kind::tcp>("tcp", true);
    add_socket_close<proto_kind::udp>("udp", true);
    add_socket_close<proto_kind::unix_stream>("unix", false);

    add<batch<ksock_rt, proto_kind::tcp>>("batch1000/tcp/ksock", batch_size);
    add<batch<ksock_static<proto_kind::tcp>, proto_kind::tcp>>("batch1000/tcp/ksock_static",
                                                               batch_size);
    add<batch<lwip, proto_kind::tcp>>("batch1000/tcp/lwip", batch_size);
    add<batch<kernel, proto_kind::tcp>>("batch1000/tcp/kernel", batch_size);

    add<getsockopt_type<ksock_rt>>("getsockopt_so_type/ksock");
    add<getsockopt_type<lwip>>("getsockopt_so_type/lwip");
    add<getsockopt_type<kernel>>("getsockopt_so_type/kernel");
    add<fcntl_getfl<ksock_rt>>("fcntl_getfl/ksock");
    add<fcntl_getfl<lwip>>("fcntl_getfl/lwip");
    add<fcntl_getfl<kernel>>("fcntl_getfl/kernel");

    add_dispatch_all<dop::so_type>("so_type");
    add_dispatch_all<dop::proto_opt>("proto_opt");

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
