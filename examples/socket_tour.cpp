// examples/socket_tour.cpp: a guided tour of Linux 6.18's socket() creation
// path, as ksock reproduces it.
//
// It shows:
//  * socket(AF_INET, SOCK_STREAM, 0) with print_trace on: __sys_socket ->
//    __sock_create -> sock_alloc -> the family lookup -> inet_create ->
//    sk_alloc -> sock_init_data -> sk_prot->init (tcp_v4_init_sock) ->
//    sock_map_fd, with the value every step writes;
//  * the same for UDP;
//  * calls that fail, and where they fail (EPROTONOSUPPORT, EINVAL,
//    EAFNOSUPPORT, EPERM for a raw socket without CAP_NET_RAW, EACCES for a
//    ping socket outside net.ipv4.ping_group_range);
//  * socketpair(AF_UNIX, SOCK_STREAM) and socketpair(AF_INET, ...) (EOPNOTSUPP);
//  * what the compiler resolved: stack::resolve<PF_INET, SOCK_STREAM, 0> and
//    the constexpr image of a fresh TCP socket, tcp_prot::defaults;
//  * that close() gives every object back.
// Every value printed is also checked: the program returns non-zero on any
// mismatch.
#include <cstdio>
#include <cstring>
#include <type_traits>

#include <ksock/ksock.hpp>

namespace {

struct tour_config : ksock::default_config {
    using trace = ksock::print_trace;
};
using tour_stack = ksock::stack<tour_config>;

//! Sizes print as %lu: newlib-nano's printf (the usual firmware libc) has no %zu.
constexpr unsigned long ul(std::size_t n) noexcept {
    return n;
}

int failures = 0;

void check(bool ok, const char* what) {
    if (!ok) {
        std::printf("!! CHECK FAILED: %s\n", what);
        ++failures;
    }
}

const char* errno_name(int e) {
    switch (e < 0 ? -e : e) {
    case 0:
        return "OK";
    case ksock::eperm:
        return "EPERM";
    case ksock::eacces:
        return "EACCES";
    case ksock::einval:
        return "EINVAL";
    case ksock::enfile:
        return "ENFILE";
    case ksock::emfile:
        return "EMFILE";
    case ksock::enomem:
        return "ENOMEM";
    case ksock::eprotonosupport:
        return "EPROTONOSUPPORT";
    case ksock::esocktnosupport:
        return "ESOCKTNOSUPPORT";
    case ksock::eopnotsupp:
        return "EOPNOTSUPP";
    case ksock::eafnosupport:
        return "EAFNOSUPPORT";
    default:
        return "E?";
    }
}

void banner(const char* title) {
    std::printf("\n=== %s ===\n", title);
}

// A call expected to fail with -expect.
void expect_error(tour_stack& s, const char* call, int family, int type, int protocol, int expect) {
    std::printf("\n--- %s, expecting -%s\n", call, errno_name(expect));
    const int r = s.socket(family, type, protocol);
    std::printf("=> %d (%s%s)\n", r, r < 0 ? "-" : "", errno_name(r));
    check(r == -expect, call);
    if (r >= 0)
        s.close(r);
}

int get_int(tour_stack& s, int fd, int level, int opt) {
    int v = -1;
    ksock::socklen_t len = sizeof v;
    const int r = s.getsockopt(fd, level, opt, &v, &len);
    return r == 0 ? v : r;
}

} // namespace

int main() {
    static tour_stack s;

    std::printf("ksock socket tour: Linux 6.18's socket() path, reproduced in C++20.\n"
                "Families, protosw entries, protos and ops are types; each call below\n"
                "prints the kernel functions it passes through and the fields they set.\n"
                "Registered families: PF_UNIX (%d), PF_INET (%d); %d protosw entries.\n",
                ksock::pf_unix, ksock::pf_inet, tour_stack::entry_count);

    // --- TCP -----------------------------------------------------------------
    banner("socket(AF_INET, SOCK_STREAM, 0): a TCP socket");
    const int tcp = s.socket(ksock::pf_inet, ksock::sock_stream, 0);
    std::printf("=> fd %d\n", tcp);
    check(tcp == 0, "TCP socket is fd 0");
    ksock::sock* tsk = s.sk_of_fd(tcp);
    check(tsk != nullptr, "TCP fd has a sock");
    if (tsk) {
        const ksock::inet::tcp_sock* tp = ksock::inet::tcp_sk(tsk);
        check(tp->snd_cwnd == ksock::inet::tcp_init_cwnd, "snd_cwnd == TCP_INIT_CWND");
        check(tp->mss_cache == ksock::inet::tcp_mss_default, "mss_cache == TCP_MSS_DEFAULT");
        check(tsk->sk_protocol == ksock::ipproto_tcp, "sk_protocol == IPPROTO_TCP");
        check(std::strcmp(s.file_of(tcp)->f_name, "TCP") == 0, "file name TCP");
    }
    check(get_int(s, tcp, ksock::sol_socket, ksock::so_protocol) == ksock::ipproto_tcp,
          "SO_PROTOCOL == IPPROTO_TCP");

    // --- UDP -----------------------------------------------------------------
    banner("socket(AF_INET, SOCK_DGRAM, 0): a UDP socket");
    const int udp = s.socket(ksock::pf_inet, ksock::sock_dgram, 0);
    std::printf("=> fd %d\n", udp);
    check(udp == 1, "UDP socket is fd 1");
    check(get_int(s, udp, ksock::sol_socket, ksock::so_protocol) == ksock::ipproto_udp,
          "SO_PROTOCOL == IPPROTO_UDP");
    check(get_int(s, udp, ksock::sol_socket, ksock::so_type) == ksock::sock_dgram,
          "SO_TYPE == SOCK_DGRAM");

    // --- failures ------------------------------------------------------------
    banner("calls that fail, and where");
    expect_error(s, "socket(AF_INET, SOCK_RAW, 0): no wildcard raw entry", ksock::pf_inet,
                 ksock::sock_raw, 0, ksock::eprotonosupport);
    expect_error(s, "socket(AF_INET, SOCK_STREAM | 0x100, 0): stray flag bit", ksock::pf_inet,
                 ksock::sock_stream | 0x100, 0, ksock::einval);
    expect_error(s, "socket(46, SOCK_STREAM, 0): family >= NPROTO", 46, ksock::sock_stream, 0,
                 ksock::eafnosupport);
    expect_error(s, "socket(AF_INET6, SOCK_STREAM, 0): family not registered", ksock::pf_inet6,
                 ksock::sock_stream, 0, ksock::eafnosupport);
    expect_error(s, "socket(AF_INET, SOCK_STREAM, IPPROTO_UDP): wrong protocol for the type",
                 ksock::pf_inet, ksock::sock_stream, ksock::ipproto_udp, ksock::eprotonosupport);

    const ksock::cred root = s.current().cred;
    s.current().cred = ksock::cred::user(1000, 1000);
    std::printf("\n(current->cred is now uid 1000, gid 1000, no capabilities)\n");
    expect_error(s, "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) without CAP_NET_RAW", ksock::pf_inet,
                 ksock::sock_raw, ksock::ipproto_icmp, ksock::eperm);
    expect_error(s,
                 "socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): ping, gid 1000 outside "
                 "ping_group_range \"1 0\"",
                 ksock::pf_inet, ksock::sock_dgram, ksock::ipproto_icmp, ksock::eacces);
    s.current().cred = root;
    std::printf("\n(current->cred is root again)\n");
    check(s.sockets_in_use() == 2, "failed calls leave no socket behind");
    check(s.objects_in_use<ksock::inet::raw_prot>() == 0, "failed raw leaves no raw_sock");
    check(s.objects_in_use<ksock::inet::ping_prot>() == 0, "failed ping leaves no inet_sock");

    // --- socketpair ----------------------------------------------------------
    banner("socketpair(AF_UNIX, SOCK_STREAM, 0)");
    int sv[2] = {-1, -1};
    const int pr = s.socketpair(ksock::pf_unix, ksock::sock_stream, 0, sv);
    std::printf("=> %d, sv = {%d, %d}\n", pr, sv[0], sv[1]);
    check(pr == 0 && sv[0] == 2 && sv[1] == 3, "unix socketpair gives fds 2 and 3");
    if (pr == 0) {
        ksock::sock* a = s.sk_of_fd(sv[0]);
        ksock::sock* b = s.sk_of_fd(sv[1]);
        check(a && b && ksock::unix_domain::unix_peer(*a) == b &&
                  ksock::unix_domain::unix_peer(*b) == a,
              "the two unix socks are each other's peer");
        check(a && a->sk_state() == ksock::tcp_established, "unix pair is TCP_ESTABLISHED");
        check(s.socket_of(sv[0])->state == ksock::ss_connected, "socket state SS_CONNECTED");
        std::printf("peers joined: sk_state = %d (TCP_ESTABLISHED), socket.state = %d "
                    "(SS_CONNECTED)\n",
                    a ? a->sk_state() : -1, s.socket_of(sv[0])->state);
    }

    banner("socketpair(AF_INET, SOCK_STREAM, 0): inet_stream_ops has no socketpair");
    int sv2[2] = {-1, -1};
    const int pr2 = s.socketpair(ksock::pf_inet, ksock::sock_stream, 0, sv2);
    std::printf("=> %d (-%s)\n", pr2, errno_name(pr2));
    check(pr2 == -ksock::eopnotsupp, "inet socketpair is EOPNOTSUPP");
    check(s.objects_in_use<ksock::inet::tcp_prot>() == 1, "failed socketpair frees its socks");

    // --- compile time --------------------------------------------------------
    banner("what was resolved at compile time");
    using R = ksock::default_stack::resolve<ksock::pf_inet, ksock::sock_stream, 0>;
    static_assert(R::family == ksock::pf_inet);
    static_assert(R::type == ksock::sock_stream);
    static_assert(R::protocol == ksock::ipproto_tcp, "protocol 0 takes the entry's: IPPROTO_TCP");
    static_assert(R::flags == (ksock::inet_protosw_permanent | ksock::inet_protosw_icsk));
    static_assert(std::is_same_v<R::prot, ksock::inet::tcp_prot>);
    static_assert(std::is_same_v<R::ops, ksock::inet::inet_stream_ops>);
    static_assert(std::is_same_v<R::obj_type, ksock::inet::tcp_sock>);
    static_assert(R::obj_size == sizeof(ksock::inet::tcp_sock));
    std::printf("resolve<PF_INET, SOCK_STREAM, 0>:\n"
                "  entry     = entries[%d] (stack-wide: 3 PF_UNIX entries, then inetsw[0])\n"
                "  protocol  = %d (IPPROTO_TCP)\n"
                "  type      = %d (SOCK_STREAM)\n"
                "  flags     = %#x (PERMANENT | ICSK)\n"
                "  prot      = %s\n"
                "  ops       = %s\n"
                "  obj_type  = struct tcp_sock\n"
                "  obj_size  = %lu\n",
                R::index, R::protocol, R::type, R::flags, R::prot::name, R::ops::name,
                ul(R::obj_size));

    using U = ksock::default_stack::resolve<ksock::pf_unix, ksock::sock_raw, 0>;
    static_assert(U::type == ksock::sock_dgram, "PF_UNIX serves SOCK_RAW as SOCK_DGRAM");
    static_assert(std::is_same_v<U::obj_type, ksock::unix_domain::unix_sock>);
    std::printf("resolve<PF_UNIX, SOCK_RAW, 0>: type = %d (SOCK_DGRAM), prot = %s, ops = %s\n",
                U::type, U::prot::name, U::ops::name);

    static_assert(ksock::default_stack::resolve_errno(ksock::pf_inet, ksock::sock_raw, 0) ==
                  -ksock::eprotonosupport);
    static_assert(ksock::default_stack::resolve_errno(46, ksock::sock_stream, 0) ==
                  -ksock::eafnosupport);
    static_assert(ksock::default_stack::resolve_errno(ksock::pf_inet, ksock::sock_seqpacket, 0) ==
                  -ksock::esocktnosupport);
    std::printf(
        "resolve_errno(PF_INET, SOCK_SEQPACKET, 0) = -%s (a constant expression)\n",
        errno_name(ksock::default_stack::resolve_errno(ksock::pf_inet, ksock::sock_seqpacket, 0)));

    constexpr const ksock::inet::tcp_sock& d = ksock::inet::tcp_prot::defaults;
    constexpr const ksock::sock& dsk = d.inet_conn.icsk_inet.sk;
    static_assert(d.snd_cwnd == ksock::inet::tcp_init_cwnd && d.snd_cwnd == 10);
    static_assert(d.snd_ssthresh == ksock::inet::tcp_infinite_ssthresh);
    static_assert(d.mss_cache == ksock::inet::tcp_mss_default && d.mss_cache == 536);
    static_assert(d.inet_conn.icsk_rto == ksock::inet::tcp_timeout_init);
    static_assert(d.snd_cwnd_clamp == ~0U);
    static_assert(d.reordering == 3);
    static_assert(dsk.sk_sndbuf == 16384, "tcp_wmem[1]");
    static_assert(dsk.sk_rcvbuf == 131072, "tcp_rmem[1]");
    static_assert(dsk.sk_protocol == ksock::ipproto_tcp);
    static_assert(dsk.sk_type == ksock::sock_stream);
    std::printf("constexpr image tcp_prot::defaults (a fresh TCP socket, built by the compiler):\n"
                "  snd_cwnd       = %u (TCP_INIT_CWND)\n"
                "  snd_ssthresh   = %#x (TCP_INFINITE_SSTHRESH)\n"
                "  snd_cwnd_clamp = %#x\n"
                "  mss_cache      = %u (TCP_MSS_DEFAULT)\n"
                "  icsk_rto       = %u jiffies (TCP_TIMEOUT_INIT, HZ=1000)\n"
                "  reordering     = %u (net.ipv4.tcp_reordering)\n"
                "  sk_sndbuf      = %d (tcp_wmem[1])\n"
                "  sk_rcvbuf      = %d (tcp_rmem[1])\n"
                "  sk_protocol    = %u, sk_type = %u\n",
                // std::uint32_t is unsigned long on arm-none-eabi: cast for %u/%x
                static_cast<unsigned>(d.snd_cwnd), static_cast<unsigned>(d.snd_ssthresh),
                static_cast<unsigned>(d.snd_cwnd_clamp), static_cast<unsigned>(d.mss_cache),
                static_cast<unsigned>(d.inet_conn.icsk_rto), static_cast<unsigned>(d.reordering),
                dsk.sk_sndbuf, dsk.sk_rcvbuf, unsigned{dsk.sk_protocol}, unsigned{dsk.sk_type});
    if (tsk) {
        const ksock::inet::tcp_sock* tp = ksock::inet::tcp_sk(tsk);
        const bool same = tp->snd_cwnd == d.snd_cwnd && tp->snd_ssthresh == d.snd_ssthresh &&
                          tp->mss_cache == d.mss_cache &&
                          tp->inet_conn.icsk_rto == d.inet_conn.icsk_rto &&
                          tsk->sk_sndbuf == dsk.sk_sndbuf && tsk->sk_rcvbuf == dsk.sk_rcvbuf;
        std::printf("the run-time TCP socket (fd %d) matches the image: %s\n", tcp,
                    same ? "yes" : "NO");
        check(same, "run-time TCP sock == constexpr image");
    }

    // --- teardown ------------------------------------------------------------
    banner("close everything");
    for (int fd : {tcp, udp, sv[0], sv[1]}) {
        std::printf("\n--- close(%d)\n", fd);
        const int r = s.close(fd);
        check(r == 0, "close");
    }
    const std::size_t socks = s.sockets_in_use();
    const std::size_t files = s.files_in_use();
    const std::size_t tcps = s.objects_in_use<ksock::inet::tcp_prot>();
    const std::size_t udps = s.objects_in_use<ksock::inet::udp_prot>();
    const std::size_t unixs = s.objects_in_use<ksock::unix_domain::unix_stream_proto>();
    std::printf("\nsockets in use %lu, files %lu, tcp_sock %lu, udp_sock %lu, unix_sock %lu\n",
                ul(socks), ul(files), ul(tcps), ul(udps), ul(unixs));
    check(socks == 0 && files == 0 && tcps == 0 && udps == 0 && unixs == 0, "pools empty");
    check(s.net().sock_inuse == 0, "net->sock_inuse back to 0");

    if (failures) {
        std::printf("\n%d check(s) FAILED\n", failures);
        return 1;
    }
    std::printf("\nall checks passed\n");
    return 0;
}
