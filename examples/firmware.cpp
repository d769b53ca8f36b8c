// examples/firmware.cpp: ksock as a firmware would use it.
//
// Built with -fno-exceptions -fno-rtti (see examples/CMakeLists.txt), no heap:
// the whole stack is one constinit object at namespace scope, sized by a small
// config (4 TCP, 4 UDP, 2 of every other proto, 8 fds, 8 sockets), so it sits
// in .bss and costs no constructor at start-up. A main loop opens sockets,
// doubles SO_RCVBUF, sets TCP_NODELAY, reads the values back, closes them,
// then serves one UDP request/response over loopback (a sensor query to a
// service bound to 127.0.0.1:5683, answered to the sender's address), and
// repeats; every round must leave the pools empty. It prints the static
// RAM the stack takes and the per-proto object sizes, using only <cstdio>.
// Returns non-zero on any mismatch.
#include <cstddef>
#include <cstdio>
#include <type_traits>

#include <ksock/ksock.hpp>

#ifdef KSOCK_SIZE_BASELINE // cmake/arm/: this program without ksock's code, for size
#include <size_baseline.hpp>
#endif

namespace {

struct fw_config : ksock::default_config {
    static constexpr std::size_t max_fds = 8;
    static constexpr std::size_t max_sockets = 8;
    static constexpr std::size_t tasks = 1;
    //! 16 socket buffers of 256 data bytes: 4 KiB for all data in flight.
    static constexpr std::size_t skbs = 16;
    static constexpr std::size_t skb_data_size = 256;
    template <class P>
    static constexpr std::size_t proto_objects =
        std::is_same_v<P, ksock::inet::tcp_prot> || std::is_same_v<P, ksock::inet::udp_prot> ? 4
                                                                                             : 2;
};
#ifndef KSOCK_SIZE_BASELINE
using fw_stack = ksock::stack<fw_config>;
#else
using fw_stack = ksock_size::baseline_stack<fw_config>;
#endif

constinit fw_stack stack;

constexpr int rounds = 100;

//! Sizes print as %lu: newlib-nano's printf (the usual firmware libc) has no %zu.
constexpr unsigned long ul(std::size_t n) noexcept {
    return n;
}

int failures = 0;
void check(bool ok, const char* what, int round) {
    if (!ok) {
        if (failures < 10)
            std::printf("!! round %d: CHECK FAILED: %s\n", round, what);
        ++failures;
    }
}

int get_int(int fd, int level, int opt) {
    int v = -1;
    ksock::socklen_t len = sizeof v;
    const int r = stack.getsockopt(fd, level, opt, &v, &len);
    return r == 0 ? v : r;
}

void one_round(int round) {
    int fds[6];
    int n = 0;
    // 2 TCP, 2 UDP (resolved at compile time), 1 UDP and 1 unix at run time.
    fds[n++] = stack.socket<ksock::pf_inet, ksock::sock_stream, 0>();
    fds[n++] = stack.socket<ksock::pf_inet, ksock::sock_stream, 0>();
    fds[n++] = stack.socket<ksock::pf_inet, ksock::sock_dgram, 0>();
    fds[n++] = stack.socket<ksock::pf_inet, ksock::sock_dgram, 0>();
    fds[n++] = stack.socket(ksock::pf_inet, ksock::sock_dgram, 0);
    fds[n++] = stack.socket(ksock::pf_unix, ksock::sock_dgram, 0);
    for (int i = 0; i < n; ++i)
        check(fds[i] == i, "fds are handed out lowest first", round);
    check(stack.objects_in_use<ksock::inet::tcp_prot>() == 2, "2 tcp_sock", round);
    check(stack.objects_in_use<ksock::inet::udp_prot>() == 3, "3 udp_sock", round);

    for (int i = 0; i < n; ++i) {
        const int fd = fds[i];
        // SO_RCVBUF: the kernel doubles the request (sk_setsockopt).
        const int req = 4096 + 1024 * i;
        check(stack.setsockopt(fd, ksock::sol_socket, ksock::so_rcvbuf, &req, sizeof req) == 0,
              "setsockopt SO_RCVBUF", round);
        check(get_int(fd, ksock::sol_socket, ksock::so_rcvbuf) == 2 * req, "SO_RCVBUF doubled",
              round);
    }
    for (int i = 0; i < 2; ++i) { // the TCP sockets
        const int on = 1;
        check(get_int(fds[i], ksock::sol_tcp, ksock::tcp_nodelay) == 0, "TCP_NODELAY off", round);
        check(stack.setsockopt(fds[i], ksock::sol_tcp, ksock::tcp_nodelay, &on, sizeof on) == 0,
              "setsockopt TCP_NODELAY", round);
        check(get_int(fds[i], ksock::sol_tcp, ksock::tcp_nodelay) == 1, "TCP_NODELAY on", round);
    }
    // TCP_NODELAY on a UDP socket: not its level.
    check(get_int(fds[2], ksock::sol_tcp, ksock::tcp_nodelay) < 0, "UDP has no SOL_TCP", round);

    // The pools are bounded: a fifth TCP socket cannot exist.
    const int t3 = stack.socket<ksock::pf_inet, ksock::sock_stream, 0>();
    const int t4 = stack.socket<ksock::pf_inet, ksock::sock_stream, 0>();
    const int t5 = stack.socket<ksock::pf_inet, ksock::sock_stream, 0>();
    check(t3 >= 0 && t4 >= 0, "tcp 3 and 4", round);
    check(t5 == -ksock::enfile, "9th socket: sockets pool (8) exhausted, ENFILE", round);
    if (t3 >= 0)
        stack.close(t3);
    if (t4 >= 0)
        stack.close(t4);

    for (int i = 0; i < n; ++i)
        check(stack.close(fds[i]) == 0, "close", round);
    check(stack.sockets_in_use() == 0 && stack.files_in_use() == 0, "no sockets left", round);
    check(stack.objects_in_use<ksock::inet::tcp_prot>() == 0, "tcp pool empty", round);
    check(stack.objects_in_use<ksock::inet::udp_prot>() == 0, "udp pool empty", round);
    check(stack.objects_in_use<ksock::unix_domain::unix_dgram_proto>() == 0, "unix pool empty",
          round);
}

//! One UDP request/response over lo: the client's request is sent from an
//! ephemeral port (autobind), the service answers to the address recvfrom
//! reported, the client reads the reply; nothing is left queued.
void udp_request_response(int round) {
    ksock::sockaddr_in svc{};
    svc.sin_family = ksock::af_inet;
    svc.sin_port = ksock::cpu_to_be16(5683);
    svc.sin_addr.s_addr = ksock::cpu_to_be32(ksock::inaddr_loopback);
    const auto* svc_addr = reinterpret_cast<const ksock::sockaddr*>(&svc);
    const int server = stack.socket<ksock::pf_inet, ksock::sock_dgram, 0>();
    const int client = stack.socket<ksock::pf_inet, ksock::sock_dgram, 0>();
    check(server >= 0 && client >= 0, "two UDP sockets", round);
    check(stack.bind(server, svc_addr, sizeof svc) == 0, "bind 127.0.0.1:5683", round);

    static const char request[] = "GET /temp";
    check(stack.sendto(client, request, sizeof request, 0, svc_addr, sizeof svc) ==
              static_cast<long>(sizeof request),
          "request sent", round);
    char buf[32];
    ksock::sockaddr_in from{};
    ksock::socklen_t from_len = sizeof from;
    const long n = stack.recvfrom(server, buf, sizeof buf, ksock::msg_dontwait,
                                  reinterpret_cast<ksock::sockaddr*>(&from), &from_len);
    check(n == static_cast<long>(sizeof request), "request received whole", round);
    check(from_len == sizeof from && from.sin_port != 0, "the sender's ephemeral port", round);
    static const char reply[] = "21.5 C";
    check(stack.sendto(server, reply, sizeof reply, 0, reinterpret_cast<ksock::sockaddr*>(&from),
                       from_len) == static_cast<long>(sizeof reply),
          "reply sent", round);
    check(stack.recv(client, buf, sizeof buf, ksock::msg_dontwait) ==
              static_cast<long>(sizeof reply),
          "reply received", round);
    check(stack.recv(client, buf, sizeof buf, ksock::msg_dontwait) == -ksock::eagain,
          "nothing more queued", round);
    check(stack.close(client) == 0 && stack.close(server) == 0, "close UDP", round);
    check(stack.skbs_in_use() == 0, "every skb freed", round);
}

template <class P>
void print_proto() {
    std::printf("  %-12s obj_size %5lu x %lu objects\n", P::name, ul(P::obj_size),
                ul(fw_config::proto_objects<P>));
}

} // namespace

int main() {
    static_assert(fw_config::proto_objects<ksock::inet::tcp_prot> == 4);
    static_assert(fw_config::proto_objects<ksock::inet::raw_prot> == 2);

    std::printf("firmware: constinit ksock stack, no heap, no exceptions, no RTTI\n");
    std::printf("static RAM: %lu bytes (proto pools %lu bytes)\n", ul(fw_stack::static_ram()),
                ul(fw_stack::proto_pool_ram()));
    std::printf("per-proto objects:\n");
    print_proto<ksock::inet::tcp_prot>();
    print_proto<ksock::inet::udp_prot>();
    print_proto<ksock::inet::ping_prot>();
    print_proto<ksock::inet::raw_prot>();
    print_proto<ksock::unix_domain::unix_stream_proto>();
    print_proto<ksock::unix_domain::unix_dgram_proto>();
    std::printf("socket_alloc %lu bytes x %lu, file %lu bytes x %lu\n",
                ul(sizeof(ksock::socket_alloc)), ul(fw_config::max_sockets),
                ul(sizeof(ksock::file)), ul(fw_config::max_sockets));

    stack.boot();
    for (int round = 0; round < rounds; ++round) {
        one_round(round);
        udp_request_response(round);
    }

    std::printf("%d rounds: sockets %lu, files %lu, tcp %lu, udp %lu, net sock_inuse %d\n", rounds,
                ul(stack.sockets_in_use()), ul(stack.files_in_use()),
                ul(stack.objects_in_use<ksock::inet::tcp_prot>()),
                ul(stack.objects_in_use<ksock::inet::udp_prot>()), stack.net().sock_inuse);
    if (failures || stack.net().sock_inuse != 0) {
        std::printf("%d check(s) FAILED\n", failures);
        return 1;
    }
    std::printf("all checks passed\n");
    return 0;
}
