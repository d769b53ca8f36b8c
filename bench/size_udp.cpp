// bench/size_udp.cpp: the static RAM of the data path's stacks and, built
// twice, the host code ksock adds for one UDP request/response.
//
// ksock_bench_size_udp runs examples/firmware.cpp's exchange (a request from
// an ephemeral port to 127.0.0.1:5683, the answer to the address recvfrom
// reported) on a stack of the firmware's small config, and prints the
// sizeof of that stack and of default_stack. ksock_bench_size_udp_baseline
// is the same program over cmake/arm/size_baseline.hpp's stubs (never run):
// run_all.py reports the difference of the two .text sections, both built
// with -Os and section garbage collection, as the Cortex-M size report does.
#include <cstddef>
#include <cstdio>
#include <type_traits>

#include <ksock/ksock.hpp>

#ifdef KSOCK_SIZE_BASELINE
#include <size_baseline.hpp>
#endif

namespace {

//! examples/firmware.cpp's config: 8 fds and sockets, 4 TCP and 4 UDP
//! objects, 2 of every other proto, 16 skbs of 256 bytes.
struct fw_config : ksock::default_config {
    static constexpr std::size_t max_fds = 8;
    static constexpr std::size_t max_sockets = 8;
    static constexpr std::size_t tasks = 1;
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

int udp_request_response() {
    ksock::sockaddr_in svc{};
    svc.sin_family = ksock::af_inet;
    svc.sin_port = ksock::cpu_to_be16(5683);
    svc.sin_addr.s_addr = ksock::cpu_to_be32(ksock::inaddr_loopback);
    const auto* svc_addr = reinterpret_cast<const ksock::sockaddr*>(&svc);
    const int server = stack.socket<ksock::pf_inet, ksock::sock_dgram, 0>();
    const int client = stack.socket<ksock::pf_inet, ksock::sock_dgram, 0>();
    int bad = server < 0 || client < 0;
    bad |= stack.bind(server, svc_addr, sizeof svc) != 0;
    static const char request[] = "GET /temp";
    bad |= stack.sendto(client, request, sizeof request, 0, svc_addr, sizeof svc) !=
           static_cast<long>(sizeof request);
    char buf[32];
    ksock::sockaddr_in from{};
    ksock::socklen_t from_len = sizeof from;
    bad |= stack.recvfrom(server, buf, sizeof buf, ksock::msg_dontwait,
                          reinterpret_cast<ksock::sockaddr*>(&from),
                          &from_len) != static_cast<long>(sizeof request);
    static const char reply[] = "21.5 C";
    bad |= stack.sendto(server, reply, sizeof reply, 0, reinterpret_cast<ksock::sockaddr*>(&from),
                        from_len) != static_cast<long>(sizeof reply);
    bad |=
        stack.recv(client, buf, sizeof buf, ksock::msg_dontwait) != static_cast<long>(sizeof reply);
    bad |= stack.close(client) != 0;
    bad |= stack.close(server) != 0;
    return bad;
}

} // namespace

int main() {
    stack.boot();
    const int bad = udp_request_response();
    std::printf("sizeof default_stack %lu\n",
                static_cast<unsigned long>(sizeof(ksock::default_stack)));
    std::printf("sizeof fw_stack %lu\n", static_cast<unsigned long>(fw_stack::static_ram()));
    std::printf("udp request/response %s\n", bad ? "FAILED" : "ok");
    return bad;
}
