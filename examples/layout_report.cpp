// examples/layout_report.cpp: a pahole-style picture of ksock's socket
// objects: tcp_sock, udp_sock, raw_sock, unix_sock and socket_alloc.
//
// For each it prints the first-member chain Linux's casts rely on
// (tcp_sock -> inet_conn: inet_connection_sock -> icsk_inet: inet_sock ->
// sk: sock -> sk_common: sock_common), every link at offset 0, with the
// size of each type, then a table of selected members with their offset and
// size, as pahole does:  /* offset | size */  type member;
// The chains are pinned with static_asserts (begins_with, offsetof == 0); the
// program also checks at run time that each table is in increasing offset
// order and inside its struct, and returns non-zero if not.
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include <ksock/ksock.hpp>

namespace {

// --- the chains, pinned at compile time -------------------------------------
using namespace ksock;
using namespace ksock::inet;
using namespace ksock::unix_domain;
static_assert(begins_with<tcp_sock, inet_connection_sock> && begins_with<tcp_sock, inet_sock> &&
              begins_with<tcp_sock, sock> && begins_with<tcp_sock, sock_common>);
static_assert(begins_with<udp_sock, inet_sock> && begins_with<udp_sock, sock> &&
              !begins_with<udp_sock, inet_connection_sock>);
static_assert(begins_with<raw_sock, inet_sock> && begins_with<raw_sock, sock> &&
              !begins_with<raw_sock, inet_connection_sock>);
static_assert(begins_with<unix_sock, sock> && !begins_with<unix_sock, inet_sock>);
static_assert(begins_with<socket_alloc, ksock::socket>);
static_assert(offsetof(tcp_sock, inet_conn) == 0);
static_assert(offsetof(inet_connection_sock, icsk_inet) == 0);
static_assert(offsetof(inet_sock, sk) == 0);
static_assert(offsetof(sock, sk_common) == 0);
static_assert(offsetof(udp_sock, inet) == 0);
static_assert(offsetof(raw_sock, inet) == 0);
static_assert(offsetof(unix_sock, sk) == 0);
static_assert(offsetof(socket_alloc, socket) == 0);
static_assert(offsetof(socket_alloc, vfs_inode) >= sizeof(ksock::socket));
static_assert(sizeof(tcp_sock) > sizeof(inet_connection_sock) &&
              sizeof(inet_connection_sock) > sizeof(inet_sock) &&
              sizeof(inet_sock) > sizeof(sock) && sizeof(sock) > sizeof(sock_common));
static_assert(inet::tcp_prot::obj_size == sizeof(tcp_sock));

//! Sizes print as %lu: newlib-nano's printf (the usual firmware libc) has no %zu.
constexpr unsigned long ul(std::size_t n) noexcept {
    return n;
}

int failures = 0;

//! The name of a type, kernel style: u8/u16/u32/u64/s16/int/long for the
//! integers, otherwise as the compiler spells it, without namespaces.
template <class T>
const char* type_name() {
    static char buf[96];
    if (buf[0])
        return buf;
    if constexpr (std::is_same_v<T, int>)
        return "int";
    else if constexpr (std::is_same_v<T, long>)
        return "long";
    else if constexpr (std::is_integral_v<T>) {
        std::snprintf(buf, sizeof buf, "%c%lu", std::is_unsigned_v<T> ? 'u' : 's',
                      ul(8 * sizeof(T)));
        return buf;
    } else {
        const char* f = __PRETTY_FUNCTION__; // "... [with T = X]" (g++) / "... [T = X]" (clang)
        const char* b = std::strstr(f, "T = ");
        b = b ? b + 4 : f;
        std::size_t n = 0;
        for (const char* p = b; *p && *p != ']' && *p != ';' && n + 1 < sizeof buf; ++p) {
            if (std::strncmp(p, "ksock::", 7) == 0) {
                p += 6;
                continue;
            }
            if (*p == ' ' && p[1] == '*') // clang: "T *"; g++: "T*"
                continue;
            buf[n++] = *p;
        }
        buf[n] = 0;
        return buf;
    }
}

//! The member's declared type, and "[N]" for an array member.
template <class M>
const char* elem_name() {
    if constexpr (std::is_array_v<M>)
        return type_name<std::remove_all_extents_t<M>>();
    else
        return type_name<M>();
}
template <class M>
const char* array_suffix() {
    static char buf[16];
    if constexpr (std::is_array_v<M>)
        std::snprintf(buf, sizeof buf, "[%lu]", ul(std::extent_v<M>));
    return buf;
}

struct row {
    std::size_t off, size;
    const char* type;
    const char* name;
    const char* suffix;
};

#define KSOCK_ROW(T, m)                                                                            \
    row {                                                                                          \
        offsetof(T, m), sizeof(T::m), elem_name<decltype(T::m)>(), #m,                             \
            array_suffix<decltype(T::m)>()                                                         \
    }

void chain(const char* const* names, const std::size_t* sizes, int n) {
    std::printf("  first-member chain (every link at offset 0):\n");
    for (int i = 0; i < n; ++i)
        std::printf("    %*s%s%s  /* size %lu */\n", 2 * i, "", i ? "-> " : "", names[i],
                    ul(sizes[i]));
}

template <class T, std::size_t N>
void table(const char* tname, const row (&rows)[N]) {
    std::printf("  struct %s {\n", tname);
    std::size_t last = 0;
    for (std::size_t i = 0; i < N; ++i) {
        const row& r = rows[i];
        char decl[160];
        std::snprintf(decl, sizeof decl, "%s %s%s;", r.type, r.name, r.suffix);
        std::printf("      %-52s /* %5lu | %4lu */\n", decl, ul(r.off), ul(r.size));
        if (r.off < last || r.off + r.size > sizeof(T)) {
            std::printf("!! %s::%s out of order or outside the struct\n", tname, r.name);
            ++failures;
        }
        last = r.off;
    }
    std::printf("      /* ... */\n  };  /* size: %lu, cachelines: %lu */\n\n", ul(sizeof(T)),
                ul((sizeof(T) + 63) / 64));
}

} // namespace

int main() {
    std::printf("ksock object layouts (pahole style: /* offset | size */)\n\n");

    {
        std::printf("struct tcp_sock\n");
        const char* const names[] = {"tcp_sock", "inet_conn: inet_connection_sock",
                                     "icsk_inet: inet_sock", "sk: sock", "sk_common: sock_common"};
        const std::size_t sizes[] = {sizeof(tcp_sock), sizeof(inet_connection_sock),
                                     sizeof(inet_sock), sizeof(sock), sizeof(sock_common)};
        chain(names, sizes, 5);
        const row rows[] = {
            KSOCK_ROW(tcp_sock, inet_conn),    KSOCK_ROW(tcp_sock, tcp_header_len),
            KSOCK_ROW(tcp_sock, rcv_nxt),      KSOCK_ROW(tcp_sock, snd_nxt),
            KSOCK_ROW(tcp_sock, bytes_acked),  KSOCK_ROW(tcp_sock, snd_una),
            KSOCK_ROW(tcp_sock, tsq_node),     KSOCK_ROW(tcp_sock, snd_wnd),
            KSOCK_ROW(tcp_sock, mss_cache),    KSOCK_ROW(tcp_sock, scaling_ratio),
            KSOCK_ROW(tcp_sock, rack),         KSOCK_ROW(tcp_sock, srtt_us),
            KSOCK_ROW(tcp_sock, mdev_us),      KSOCK_ROW(tcp_sock, rtt_min),
            KSOCK_ROW(tcp_sock, reordering),   KSOCK_ROW(tcp_sock, snd_ssthresh),
            KSOCK_ROW(tcp_sock, snd_cwnd),     KSOCK_ROW(tcp_sock, snd_cwnd_clamp),
            KSOCK_ROW(tcp_sock, app_limited),  KSOCK_ROW(tcp_sock, out_of_order_queue),
            KSOCK_ROW(tcp_sock, pacing_timer), KSOCK_ROW(tcp_sock, compressed_ack_timer),
        };
        table<tcp_sock>("tcp_sock", rows);
        const row icsk[] = {
            KSOCK_ROW(inet_connection_sock, icsk_inet),
            KSOCK_ROW(inet_connection_sock, icsk_accept_queue),
            KSOCK_ROW(inet_connection_sock, icsk_retransmit_timer),
            KSOCK_ROW(inet_connection_sock, icsk_delack_timer),
            KSOCK_ROW(inet_connection_sock, icsk_rto),
            KSOCK_ROW(inet_connection_sock, icsk_rto_min),
            KSOCK_ROW(inet_connection_sock, icsk_ca_ops),
            KSOCK_ROW(inet_connection_sock, icsk_ca_priv),
        };
        table<inet_connection_sock>("inet_connection_sock", icsk);
        const row inet[] = {
            KSOCK_ROW(inet_sock, sk),         KSOCK_ROW(inet_sock, pinet6),
            KSOCK_ROW(inet_sock, inet_flags), KSOCK_ROW(inet_sock, uc_ttl),
            KSOCK_ROW(inet_sock, inet_sport), KSOCK_ROW(inet_sock, mc_ttl),
            KSOCK_ROW(inet_sock, pmtudisc),   KSOCK_ROW(inet_sock, cork),
        };
        table<inet_sock>("inet_sock", inet);
        const row sk[] = {
            KSOCK_ROW(sock, sk_common),        KSOCK_ROW(sock, sk_lock),
            KSOCK_ROW(sock, sk_receive_queue), KSOCK_ROW(sock, sk_rcvbuf),
            KSOCK_ROW(sock, sk_sndbuf),        KSOCK_ROW(sock, sk_flags),
            KSOCK_ROW(sock, sk_type),          KSOCK_ROW(sock, sk_protocol),
            KSOCK_ROW(sock, sk_prot_creator),  KSOCK_ROW(sock, sk_rcvtimeo),
            KSOCK_ROW(sock, sk_timer),         KSOCK_ROW(sock, sk_socket),
        };
        table<sock>("sock", sk);
        const row skc[] = {
            KSOCK_ROW(sock_common, skc_daddr),  KSOCK_ROW(sock_common, skc_num),
            KSOCK_ROW(sock_common, skc_family), KSOCK_ROW(sock_common, skc_state),
            KSOCK_ROW(sock_common, skc_reuse),  KSOCK_ROW(sock_common, skc_prot),
            KSOCK_ROW(sock_common, skc_net),    KSOCK_ROW(sock_common, skc_refcnt),
        };
        table<sock_common>("sock_common", skc);
    }
    {
        std::printf("struct udp_sock\n");
        const char* const names[] = {"udp_sock", "inet: inet_sock", "sk: sock",
                                     "sk_common: sock_common"};
        const std::size_t sizes[] = {sizeof(udp_sock), sizeof(inet_sock), sizeof(sock),
                                     sizeof(sock_common)};
        chain(names, sizes, 4);
        const row rows[] = {
            KSOCK_ROW(udp_sock, inet),
            KSOCK_ROW(udp_sock, udp_flags),
            KSOCK_ROW(udp_sock, pending),
            KSOCK_ROW(udp_sock, encap_type),
            KSOCK_ROW(udp_sock, len),
            KSOCK_ROW(udp_sock, forward_deficit),
            KSOCK_ROW(udp_sock, forward_threshold),
            KSOCK_ROW(udp_sock, reader_queue),
            KSOCK_ROW(udp_sock, tunnel_list),
        };
        table<udp_sock>("udp_sock", rows);
    }
    {
        std::printf("struct raw_sock\n");
        const char* const names[] = {"raw_sock", "inet: inet_sock", "sk: sock",
                                     "sk_common: sock_common"};
        const std::size_t sizes[] = {sizeof(raw_sock), sizeof(inet_sock), sizeof(sock),
                                     sizeof(sock_common)};
        chain(names, sizes, 4);
        const row rows[] = {KSOCK_ROW(raw_sock, inet), KSOCK_ROW(raw_sock, filter),
                            KSOCK_ROW(raw_sock, ipmr_table)};
        table<raw_sock>("raw_sock", rows);
    }
    {
        std::printf("struct unix_sock\n");
        const char* const names[] = {"unix_sock", "sk: sock", "sk_common: sock_common"};
        const std::size_t sizes[] = {sizeof(unix_sock), sizeof(sock), sizeof(sock_common)};
        chain(names, sizes, 3);
        const row rows[] = {
            KSOCK_ROW(unix_sock, sk),        KSOCK_ROW(unix_sock, addr),
            KSOCK_ROW(unix_sock, path),      KSOCK_ROW(unix_sock, iolock),
            KSOCK_ROW(unix_sock, bindlock),  KSOCK_ROW(unix_sock, peer),
            KSOCK_ROW(unix_sock, listener),  KSOCK_ROW(unix_sock, lock),
            KSOCK_ROW(unix_sock, peer_wake), KSOCK_ROW(unix_sock, inflight),
        };
        table<unix_sock>("unix_sock", rows);
    }
    {
        std::printf("struct socket_alloc (sockfs: SOCKET_I / SOCK_INODE)\n");
        const char* const names[] = {"socket_alloc", "socket: socket"};
        const std::size_t sizes[] = {sizeof(socket_alloc), sizeof(ksock::socket)};
        chain(names, sizes, 2);
        const row rows[] = {KSOCK_ROW(socket_alloc, socket), KSOCK_ROW(socket_alloc, vfs_inode)};
        table<socket_alloc>("socket_alloc", rows);
        const row so[] = {
            KSOCK_ROW(ksock::socket, state), KSOCK_ROW(ksock::socket, type),
            KSOCK_ROW(ksock::socket, flags), KSOCK_ROW(ksock::socket, file),
            KSOCK_ROW(ksock::socket, sk),    KSOCK_ROW(ksock::socket, ops),
            KSOCK_ROW(ksock::socket, wq),
        };
        table<ksock::socket>("socket", so);
        // SOCKET_I(SOCK_INODE(so)) == so on a real object.
        static socket_alloc ei{};
        const bool round_trip = SOCKET_I(SOCK_INODE(&ei.socket)) == &ei.socket &&
                                SOCK_INODE(&ei.socket) == &ei.vfs_inode;
        std::printf("SOCKET_I(SOCK_INODE(sock)) == sock: %s\n", round_trip ? "yes" : "NO");
        if (!round_trip)
            ++failures;
    }

    if (failures) {
        std::printf("%d check(s) FAILED\n", failures);
        return 1;
    }
    return 0;
}
