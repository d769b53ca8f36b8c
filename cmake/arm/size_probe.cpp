// cmake/arm/size_probe.cpp: the smallest program on ksock's socket path, to
// measure what ksock's own code costs: socket() + getsockopt() + close() with
// only TCP and UDP registered (one PF_INET family of two protosw entries),
// with arguments the compiler cannot see. Built twice: size_probe, and
// size_probe_baseline (KSOCK_SIZE_BASELINE: the stack's calls are stubs, see
// size_baseline.hpp). The difference is ksock's; size_report.cmake checks it
// against the budgets. size_probe also runs as a test (exit 0 = correct).
//
// The budgeted probe asks getsockopt at the socket layer's own level
// (SOL_SOCKET, sock_getsockopt in net/core/sock.c) with a run-time option
// name. With KSOCK_PROBE_ALL_LEVELS the level is a run-time value too, so
// every protocol's option handler is linked in (ip_getsockopt,
// tcp_getsockopt with TCP_INFO, udp_getsockopt): that figure is reported
// beside the budget, not held to it.
#include <cstddef>

#include <ksock/ksock.hpp>

#ifdef KSOCK_SIZE_BASELINE
#include <size_baseline.hpp>
#endif

namespace {

using tcp_udp_inet =
    ksock::family<ksock::pf_inet, ksock::inet::inet_create,
                  ksock::type_list<ksock::inet::tcp_protosw, ksock::inet::udp_protosw>>;

struct probe_config : ksock::default_config {
    using families = ksock::type_list<tcp_udp_inet>;
    static constexpr std::size_t max_fds = 8;
    static constexpr std::size_t max_sockets = 8;
    static constexpr std::size_t skbs = 4;
    static constexpr std::size_t skb_data_size = 256;
    template <class P>
    static constexpr std::size_t proto_objects = 4;
};

#ifdef KSOCK_SIZE_BASELINE
using probe_stack = ksock_size::baseline_stack<probe_config>;
#else
using probe_stack = ksock::stack<probe_config>;
#endif

constinit probe_stack stack;

// Zero-initialised (.bss) and written at run time: opaque to the optimiser.
volatile int args[5];

} // namespace

int main() {
    const int types[2] = {ksock::sock_stream, ksock::sock_dgram};
    int bad = 0;
    for (const int type : types) {
        args[0] = ksock::pf_inet;
        args[1] = type;
        args[2] = 0;
        args[3] = ksock::sol_socket;
        args[4] = ksock::so_type;
        const int fd = stack.socket(args[0], args[1], args[2]);
        int v = -1;
        ksock::socklen_t len = sizeof v;
#ifdef KSOCK_PROBE_ALL_LEVELS
        const int level = args[3];
#else
        const int level = ksock::sol_socket;
#endif
        const int r = stack.getsockopt(fd, level, args[4], &v, &len);
        const int c = stack.close(fd);
        bad += fd != 0 || r != 0 || v != type || len != sizeof v || c != 0;
    }
    return bad;
}
