// bench/firmware_tu.cpp: the translation unit whose compile time stands for
// real use (compile_time.py, "typical firmware TU"): a default stack, a few
// TCP and UDP sockets, bind / listen / connect / accept, send / recv,
// getsockopt and close, as a firmware's network task would write them. It
// is compiled, not run; the arguments come from the caller so that nothing
// folds away.
#include <cstddef>

#include <ksock/ksock.hpp>

namespace fw {

constinit ksock::default_stack net;

namespace {
ksock::sockaddr_in loopback(unsigned short port) {
    ksock::sockaddr_in a{};
    a.sin_family = ksock::af_inet;
    a.sin_port = ksock::cpu_to_be16(port);
    a.sin_addr.s_addr = ksock::cpu_to_be32(ksock::inaddr_loopback);
    return a;
}
const ksock::sockaddr* sa(const ksock::sockaddr_in& a) {
    return reinterpret_cast<const ksock::sockaddr*>(&a);
}
} // namespace

//! A TCP request/response over loopback: listen, connect, accept, send,
//! recv, the error and buffer options read back, every socket closed.
int tcp_exchange(unsigned short port, const char* req, std::size_t n, char* out, std::size_t cap) {
    const ksock::sockaddr_in a = loopback(port);
    const int l = net.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    if (l < 0)
        return l;
    int r = net.bind(l, sa(a), sizeof a);
    if (r == 0)
        r = net.listen(l, 4);
    const int c = net.socket<ksock::pf_inet, ksock::sock_stream, 0>();
    if (r == 0 && c >= 0) {
        r = net.connect(c, sa(a), sizeof a);
        if (r == -ksock::einprogress)
            r = 0;
    }
    const int s = r == 0 ? net.accept4(l, nullptr, nullptr, ksock::sock_nonblock) : -1;
    long got = -1;
    if (s >= 0 && net.send(c, req, n, 0) == static_cast<long>(n)) {
        got = net.recv(s, out, cap, 0);
        int err = 0;
        ksock::socklen_t len = sizeof err;
        net.getsockopt(s, ksock::sol_socket, ksock::so_error, &err, &len);
        int nodelay = 1;
        net.setsockopt(c, ksock::sol_tcp, ksock::tcp_nodelay, &nodelay, sizeof nodelay);
        if (err)
            got = -err;
    }
    if (s >= 0)
        net.close(s);
    if (c >= 0)
        net.close(c);
    net.close(l);
    return static_cast<int>(got);
}

//! A UDP query to a service on loopback, answered to the sender's address.
int udp_query(unsigned short port, const char* q, std::size_t n, char* out, std::size_t cap) {
    const ksock::sockaddr_in a = loopback(port);
    const int srv = net.socket(ksock::af_inet, ksock::sock_dgram | ksock::sock_nonblock, 0);
    const int cli = net.socket<ksock::pf_inet, ksock::sock_dgram, 0>();
    if (srv < 0 || cli < 0)
        return -1;
    long r = net.bind(srv, sa(a), sizeof a);
    if (r == 0)
        r = net.sendto(cli, q, n, 0, sa(a), sizeof a);
    if (r >= 0) {
        ksock::sockaddr_in from{};
        ksock::socklen_t flen = sizeof from;
        char buf[64];
        const long k =
            net.recvfrom(srv, buf, sizeof buf, 0, reinterpret_cast<ksock::sockaddr*>(&from), &flen);
        if (k > 0)
            net.sendto(srv, buf, static_cast<std::size_t>(k), 0, sa(from), flen);
        r = net.recv(cli, out, cap, 0);
    }
    int rcvbuf = 0;
    ksock::socklen_t len = sizeof rcvbuf;
    net.getsockopt(cli, ksock::sol_socket, ksock::so_rcvbuf, &rcvbuf, &len);
    net.close(cli);
    net.close(srv);
    return static_cast<int>(r);
}

} // namespace fw
