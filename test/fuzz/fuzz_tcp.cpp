// test/fuzz/fuzz_tcp.cpp: libFuzzer harness of ksock's segment-level TCP.
// Each input drives a fresh stack, ksock at 192.0.2.2/24 on one Ethernet
// device, the peer 192.0.2.1 a permanent neighbour; the harness plays the
// peer. It keeps the peer's view of every 4-tuple ksock talks on: ksock's
// ISN (from the SYN or SYN-ACK it sends), the highest sequence it sent,
// the last ACK and window it gave, the peer's own ISN and next sequence.
// So most segments it injects are near the window: sequence and
// acknowledgment numbers exact, one off, at the window's edge, old, far or
// random; flags from a table or any of the 256; windows from 0 up; options
// valid (MSS, window scale, SACK-permitted, timestamps, SACK blocks) or
// broken (odd lengths, truncated, EOL and NOP runs); payloads 0 to past the
// MSS; checksums right or wrong; any ECN codepoint in the TOS byte; now
// and then an IP-level variation (options, fragment bits, a wrong length).
//
// The application is played from the input too: a listener on port 80
// (SYN_RECV children, its accept queue full, SYN cookies on overflow,
// always or never), active opens to the peer's
// ports 5000 and 5001 (SYN_SENT, simultaneous open), send, recv, shutdown,
// close, accept, TCP_NODELAY / TCP_CORK / keepalive / TCP_USER_TIMEOUT /
// SO_LINGER; the clock advances by steps from 1 ms to hours, so that every
// timer fires (RTO and its backoff, zero-window probes, keepalive,
// TIME_WAIT, FIN_WAIT2, the delayed ACK).
//
// After every operation the harness checks, and aborts on the first
// violation:
//  * s.check_invariants(), and no skb more than the pool has;
//  * every frame ksock sends is well-formed: our MAC and address as its
//    source, the IP and TCP checksums right, a TCP data offset of 5..15 with
//    well-formed options in Linux's order (MSS, SACK-permitted/timestamps,
//    window scale, SACK blocks; the SYN-only ones only on a SYN), never
//    SYN+FIN nor SYN+RST, an ACK on everything but a SYN or an RST, never an
//    RST answering an RST, ECT(0) only on data (never another mark), ECN's
//    flags on a SYN only as ECE|CWR and on a SYN-ACK only as ECE;
//  * on a connection the harness knows: data never before ksock's ISN + 1
//    nor beyond what the application wrote, a FIN only after a shutdown or
//    close, and an acknowledgment only of a sequence the peer sent;
//  * what the application reads is the peer's data where it belongs: each
//    byte the peer sends says its sequence number.
// At the end every socket is closed and the clock runs (in steps, bounded)
// until next_timer() is -1: then no skb is left and s.empty() holds.
//
// The segments injected, the frames sent, the inputs and the states reached
// (a bit per TCP state of a full sock, bit 16 + substate for a TIME_WAIT
// mini-sock) and the SYN cookies sent, taken and refused are printed at
// exit; with KSOCK_FUZZ_TCP_MIN_SEGMENTS set,
// fewer segments injected fail the run. With KSOCK_FUZZ_TCP_TRACE set,
// every segment both ways and every application call is printed (to read
// a failing input: ksock_fuzz_tcp <input>).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <ksock/drivers/loopback.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/inet/tcp/tcp_hdr.hpp>
#include <ksock/ksock.hpp>
#include <ksock/uapi/tcp.hpp>

#include "fuzz_frames.hpp"

namespace {

using namespace ksock;
using inet::tcphdr_ack;
using inet::tcphdr_fin;
using inet::tcphdr_psh;
using inet::tcphdr_rst;
using inet::tcphdr_syn;

unsigned long inputs = 0, segs_in = 0, frames_out = 0, segs_out = 0;
unsigned long states_seen = 0; //!< a bit per TCP state a known socket reached
//! SyncookiesSent, SyncookiesRecv, SyncookiesFailed over every input.
unsigned long cookie_counts[3] = {};
bool trace = false; //!< KSOCK_FUZZ_TCP_TRACE: print every segment

void trace_seg(const char* dir, const unsigned char* th, std::size_t len) {
    if (!trace || len < 20)
        return;
    std::fprintf(stderr, "%s %u>%u seq %u ack %u flags %02x win %u len %zu doff %u\n", dir,
                 static_cast<unsigned>(th[0] << 8 | th[1]),
                 static_cast<unsigned>(th[2] << 8 | th[3]),
                 static_cast<unsigned>(th[4] << 24 | th[5] << 16 | th[6] << 8 | th[7]),
                 static_cast<unsigned>(th[8] << 24 | th[9] << 16 | th[10] << 8 | th[11]), th[13],
                 static_cast<unsigned>(th[14] << 8 | th[15]), len - (th[12] >> 4) * 4u,
                 static_cast<unsigned>(th[12] >> 4));
}

constexpr unsigned listen_port = 80;

bool seq_after(std::uint32_t a, std::uint32_t b) {
    return static_cast<std::int32_t>(a - b) > 0;
}
std::uint32_t get32(const unsigned char* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
unsigned get16(const unsigned char* p) {
    return static_cast<unsigned>(p[0] << 8 | p[1]);
}

//! The byte the peer sends at sequence \p seq: the data says where it
//! belongs, so that what the application reads can be checked.
constexpr unsigned char payload_at(std::uint32_t seq) {
    return static_cast<unsigned char>((seq * 131u + 7u) ^ (seq >> 8));
}
FUZZ_NO_COVERAGE void fill_payload(unsigned char* p, std::uint32_t seq, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        p[i] = payload_at(seq + static_cast<std::uint32_t>(i));
}
//! The first of \p n bytes read from sequence \p seq on that is not the
//! peer's, or n.
FUZZ_NO_COVERAGE std::size_t check_payload(const unsigned char* p, std::uint32_t seq,
                                           std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (p[i] != payload_at(seq + static_cast<std::uint32_t>(i)))
            return i;
    return n;
}

//! The peer's view of one 4-tuple (ksock's port, the peer's port).
struct conn_view {
    bool used = false;
    unsigned lport = 0, pport = 0; //!< host order
    bool have_isn = false;
    std::uint32_t isn = 0;    //!< ksock's ISN
    std::uint32_t snd_hi = 0; //!< the end of the highest sequence ksock sent
    bool have_ack = false;
    std::uint32_t ack = 0; //!< the last acknowledgment ksock sent (its rcv_nxt)
    std::uint32_t wnd = 0; //!< the last window ksock advertised, scaled
    unsigned wscale = 0;   //!< ksock's window scale from its SYN
    bool peer_ws = false;  //!< the peer's SYN offered scaling
    std::uint32_t tsval = 0;
    std::uint32_t peer_isn = 0, peer_nxt = 0;
    unsigned long written = 0; //!< bytes the application got into the connection
    bool fin_ok = false;       //!< the application shut the sending side
    //! A SYN cookie's child takes its ISN from the ACK that made it (its
    //! number less one), which Linux accepts even a little off the cookie
    //! (the MSS index absorbs the difference): the ISNs the last ACKs at the
    //! listener's port may have made, for when ksock's segments say so.
    static constexpr unsigned max_cookie_isns = 8;
    std::uint32_t cookie_isns[max_cookie_isns] = {};
    unsigned ncookie = 0;
    // The edges of the peer's segments (all of an input's): what ksock may
    // acknowledge (an end; or a start, where it let go of the rest of a
    // segment out of order).
    static constexpr unsigned max_ends = 2048;
    std::uint32_t ends[max_ends] = {};
    unsigned nends = 0;
    void sent_end(std::uint32_t e) {
        if (nends < max_ends)
            ends[nends++] = e;
    }
    bool may_ack(std::uint32_t a) const {
        if (have_ack && a == ack)
            return true;
        if (nends == max_ends)
            return true; // (no longer known)
        for (unsigned i = 0; i < nends; ++i)
            if (ends[i] == a)
                return true;
        return false;
    }
};

constexpr std::size_t max_views = 10;
conn_view views[max_views];
bool rx_is_rst = false;   //!< the frame being received carries an RST
unsigned rx_rst_port = 0; //!< ... to this port of ours

conn_view* view_of(unsigned lport, unsigned pport) {
    for (conn_view& v : views)
        if (v.used && v.lport == lport && v.pport == pport)
            return &v;
    return nullptr;
}
conn_view* view_new(unsigned lport, unsigned pport, std::uint32_t peer_isn) {
    for (conn_view& v : views)
        if (!v.used) {
            v = conn_view{};
            v.used = true;
            v.lport = lport;
            v.pport = pport;
            v.peer_isn = v.peer_nxt = peer_isn;
            return &v;
        }
    return nullptr;
}

//! The options of an outgoing segment: well-formed, in Linux's order
//! (tcp_options_write: MSS; SACK-permitted and timestamps; window scale;
//! SACK blocks), the SYN-only ones only on a SYN. Returns the TS value
//! (or the last one) through \p tsval.
void check_out_options(const unsigned char* o, std::size_t n, bool syn, std::uint32_t& tsval,
                       unsigned& wscale, bool& has_ws) {
    unsigned rank = 0;
    bool ts = false;
    for (std::size_t i = 0; i < n;) {
        const unsigned kind = o[i];
        if (kind == inet::tcpopt_eol) {
            for (std::size_t j = i; j < n; ++j)
                FUZZ_CHECK(o[j] == 0, j, o[j]);
            return;
        }
        if (kind == inet::tcpopt_nop) {
            ++i;
            continue;
        }
        FUZZ_CHECK(i + 1 < n, kind, i);
        const unsigned len = o[i + 1];
        FUZZ_CHECK(len >= 2 && i + len <= n, kind, len);
        unsigned r = 0;
        switch (kind) {
        case inet::tcpopt_mss:
            FUZZ_CHECK(len == 4 && syn, len, syn);
            FUZZ_CHECK(get16(o + i + 2) >= 48, get16(o + i + 2), 0);
            r = 0;
            break;
        case inet::tcpopt_sack_perm:
            FUZZ_CHECK(len == 2 && syn, len, syn);
            r = 1;
            break;
        case inet::tcpopt_timestamp:
            FUZZ_CHECK(len == 10, len, 0);
            tsval = get32(o + i + 2);
            ts = true;
            r = 1;
            break;
        case inet::tcpopt_window:
            FUZZ_CHECK(len == 3 && syn, len, syn);
            FUZZ_CHECK(o[i + 2] <= 14, o[i + 2], 0);
            wscale = o[i + 2];
            has_ws = true;
            r = 2;
            break;
        case inet::tcpopt_sack:
            FUZZ_CHECK(len >= 10 && (len - 2) % 8 == 0 && !syn, len, syn);
            FUZZ_CHECK((len - 2) / 8 <= (ts ? 3u : 4u), len, ts);
            r = 3;
            break;
        default:
            fail("unknown option sent", __FILE__, __LINE__, kind, len);
        }
        FUZZ_CHECK(r >= rank, kind, rank);
        rank = r;
        i += len;
    }
}

//! What the stack sends on TCP, judged, and the peer's view learnt.
void check_out_tcp(const unsigned char* ip, const unsigned char* th, std::size_t len) {
    ++segs_out;
    trace_seg("out", th, len);
    FUZZ_CHECK(len >= 20, len, 0);
    const std::size_t doff = (th[12] >> 4) * 4u;
    FUZZ_CHECK(doff >= 20 && doff <= 60 && doff <= len, doff, len);
    FUZZ_CHECK((th[12] & 0x0f) == 0, th[12], 0);
    FUZZ_CHECK(csum(th, len, pseudo(ip, 6, len)) == 0, th[16], th[17]);
    std::uint32_t dst = 0;
    std::memcpy(&dst, ip + 16, 4);
    FUZZ_CHECK(dst == peer_ip, dst, 0);
    const unsigned flags = th[13];
    const bool syn = flags & tcphdr_syn, fin = flags & tcphdr_fin, rst = flags & tcphdr_rst;
    FUZZ_CHECK(!(syn && fin) && !(syn && rst), flags, 0);
    FUZZ_CHECK(syn || rst || (flags & tcphdr_ack), flags, 0);
    const unsigned lport = get16(th), pport = get16(th + 2);
    if (rst && rx_is_rst)
        FUZZ_CHECK(lport != rx_rst_port, lport, flags); // never an RST for an RST
    std::uint32_t tsval = 0;
    unsigned wscale = 0;
    bool has_ws = false;
    check_out_options(th + 20, doff - 20, syn, tsval, wscale, has_ws);
    const std::uint32_t seq = get32(th + 4), ack = get32(th + 8);
    const std::uint32_t dlen = static_cast<std::uint32_t>(len - doff);
    FUZZ_CHECK(!rst || dlen == 0, dlen, flags);
    // ECN: only new data may be ECT(0); never CE, ECT(1), nor a marked SYN
    // or pure ACK; ECE|CWR only on a SYN, ECE alone on a SYN-ACK.
    const unsigned ect = ip[1] & 3u;
    FUZZ_CHECK(ect == 0 || (ect == 2 && dlen > 0 && !syn && !rst), ect, dlen);
    if (syn)
        FUZZ_CHECK((flags & 0xc0) == 0 || (flags & 0xc0) == ((flags & tcphdr_ack) ? 0x40u : 0xc0u),
                   flags, 0);
    conn_view* v = view_of(lport, pport);
    if (syn) {
        if (!v)
            v = view_new(lport, pport, 0);
        if (!v)
            return;
        if (!v->have_isn || v->isn != seq) { // a new connection on the tuple
            const conn_view old = *v;
            *v = conn_view{};
            v->used = true;
            v->lport = lport;
            v->pport = pport;
            v->peer_isn = old.peer_isn;
            v->peer_nxt = old.peer_nxt;
            v->peer_ws = old.peer_ws;
            std::memcpy(v->ends, old.ends, sizeof v->ends);
            v->nends = old.nends;
            // (a SYN-ACK the ring held back may come after a cookie's
            // child was made)
            std::memcpy(v->cookie_isns, old.cookie_isns, sizeof v->cookie_isns);
            v->ncookie = old.ncookie;
        }
        v->have_isn = true;
        v->isn = seq;
        v->wscale = has_ws ? wscale : 0;
    }
    if (!v || !v->have_isn || rst)
        return;
    const std::uint32_t end = seq + dlen + (syn ? 1u : 0u) + (fin ? 1u : 0u);
    // Data or a FIN that does not fit the ISN the harness knows but fits the
    // cookie's: the connection is the cookie's child.
    auto fits = [&](std::uint32_t isn) {
        return !seq_after(isn + 1, seq) &&
               !seq_after(end,
                          isn + 1 + static_cast<std::uint32_t>(v->written) + (v->fin_ok ? 1u : 0u));
    };
    if ((dlen || fin) && !fits(v->isn))
        for (unsigned i = 0; i < v->ncookie && i < conn_view::max_cookie_isns; ++i)
            if (fits(v->cookie_isns[i])) {
                v->isn = v->cookie_isns[i];
                v->snd_hi = v->isn + 1;
                v->ncookie = 0;
                break;
            }
    if (dlen || fin) {
        // Data no earlier than the ISN + 1, nor beyond what was written.
        FUZZ_CHECK(!seq_after(v->isn + 1, seq), seq - v->isn, dlen);
        const std::uint32_t limit =
            v->isn + 1 + static_cast<std::uint32_t>(v->written) + (v->fin_ok ? 1u : 0u);
        FUZZ_CHECK(!seq_after(end, limit), end - v->isn, v->written);
        if (fin)
            FUZZ_CHECK(v->fin_ok, seq - v->isn, v->written);
    }
    if (seq_after(end, v->snd_hi) || v->snd_hi == 0)
        v->snd_hi = end;
    if (flags & tcphdr_ack) {
        FUZZ_CHECK(v->may_ack(ack), ack - v->peer_isn, v->nends);
        v->have_ack = true;
        v->ack = ack;
        v->wnd = get16(th + 14) << (syn || !v->peer_ws ? 0 : v->wscale);
    }
    if (tsval)
        v->tsval = tsval;
}

//! An outgoing frame, judged.
void check_out(const unsigned char* f, std::size_t n) {
    ++frames_out;
    FUZZ_CHECK(n >= 14 && n <= 1514, n, 0);
    FUZZ_CHECK(std::memcmp(f + 6, our_mac, 6) == 0, f[11], 0);
    const unsigned type = get16(f + 12);
    if (type == 0x0806)
        return; // (the neighbour is permanent; an ARP is fuzz_wire's business)
    FUZZ_CHECK(type == 0x0800, type, 0);
    FUZZ_CHECK(std::memcmp(f, peer_mac, 6) == 0, f[5], 0);
    FUZZ_CHECK(n >= 34, n, 0);
    const unsigned char* ip = f + 14;
    const std::size_t ihl = (ip[0] & 0x0f) * 4u;
    const std::size_t tot = get16(ip + 2);
    FUZZ_CHECK((ip[0] >> 4) == 4 && ihl >= 20, ip[0], 0);
    FUZZ_CHECK(tot == n - 14 && tot >= ihl, tot, n);
    FUZZ_CHECK(csum(ip, ihl) == 0, ip[10], ip[11]);
    FUZZ_CHECK(ip[8] != 0, ip[8], 0);
    std::uint32_t src = 0;
    std::memcpy(&src, ip + 12, 4);
    FUZZ_CHECK(src == our_ip, src, 0);
    const bool fragment = (ip[6] & 0x3f) || ip[7];
    if (ip[9] == 6) {
        FUZZ_CHECK(!fragment, ip[6], ip[7]); // TCP fits the MTU, DF set
        check_out_tcp(ip, ip + ihl, tot - ihl);
    }
}

// As long as the skb pool: a frame the qdisc dropped would be one the
// harness never saw (a SYN-ACK, and the ISN with it); the pool runs out
// first instead (ENOBUFS: the paths that follow are tested too).
using fuzz_dev = fuzz_eth<64>;

struct tcp_fuzz_config : default_config {
    using devices = type_list<drivers::loopback, fuzz_dev>;
    static constexpr std::size_t max_fds = 8;
    static constexpr std::size_t max_sockets = 10;
    template <class Proto>
    static constexpr std::size_t proto_objects = 8;
    static constexpr std::size_t skbs = 64;
    static constexpr std::size_t skb_data_size = 512;
    static constexpr std::size_t neigh_entries = 4;
    static constexpr std::size_t neigh_unres_qlen = 3;
    static constexpr std::size_t fib_entries = 4;
    static constexpr std::size_t ipfrag_queues = 2;
    static constexpr std::size_t ipfrag_max_size = 4096;
};
using S = stack<tcp_fuzz_config>;
constexpr int eth0 = S::ifindex_of<fuzz_dev>();

struct reader : fuzz_reader {
    std::uint32_t u32() { return std::uint32_t{u16()} << 16 | u16(); }
};

//! One of the application's sockets: its fd, and the tuple it is on.
struct app_sock {
    int fd = -1;
    unsigned dport = 0; //!< the peer's port an active open went to
    conn_view* v = nullptr;
    std::uint32_t isn = 0;     //!< the ISN of the connection v was, when linked
    unsigned long pending = 0; //!< written before the tuple was known
    bool pending_fin = false;
};

//! One input's run: the stack set up, the operations, the checks.
struct harness {
    S& s;
    reader in;
    app_sock app[6]; //!< [0]: the listener
    unsigned long now_ms = 0;
    bool seen_urg = false; //!< the peer sent urgent data: the stream has holes

    fuzz_dev& dev() { return s.device<fuzz_dev>(); }

    void after(long r = 0) {
        const auto inv = s.check_invariants();
        if (!inv.ok)
            fail(inv.what, __FILE__, __LINE__, r, 0);
        FUZZ_CHECK(r >= -4095, r, 0);
        FUZZ_CHECK(s.skbs_in_use() <= tcp_fuzz_config::skbs, s.skbs_in_use(), 0);
        // The states reached (orphans and mini-socks too), for the report.
        s.locked([](auto& ctx) {
            ctx.template for_each_obj<inet::tcp_prot>(
                [](auto& o) { states_seen |= 1ul << (o.inet_conn.icsk_inet.sk.sk_state() & 31); });
            for (const inet::inet_timewait_sock& tw : ctx.template proto_state<inet::tcp_prot>().tw)
                if (tw.tw_live)
                    states_seen |= 1ul << (16 + tw.tw_substate);
            return 0;
        });
    }

    //! The tuple of an application socket, once ksock has sent on it.
    conn_view* link(app_sock& a) {
        if (a.v && a.v->used && a.v->have_isn && a.v->isn == a.isn)
            return a.v;
        a.v = nullptr;
        sockaddr_in me{}, peer{};
        socklen_t len = sizeof me;
        if (s.getsockname(a.fd, reinterpret_cast<sockaddr*>(&me), &len) != 0)
            return nullptr;
        unsigned pport = a.dport;
        len = sizeof peer;
        if (!pport && s.getpeername(a.fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0)
            pport = be16_to_cpu(peer.sin_port);
        conn_view* v = view_of(be16_to_cpu(me.sin_port), pport);
        if (!v || !v->have_isn)
            return nullptr;
        a.v = v;
        a.isn = v->isn;
        v->written += a.pending;
        v->fin_ok = v->fin_ok || a.pending_fin;
        a.pending = 0;
        return v;
    }

    void setup() {
        const unsigned h = in.u8();
        auto& sys = inet::ipv4_net(s).sysctl;
        sys.tcp_timestamps = (h & 1) ? 0 : 1;
        sys.tcp_sack = (h & 2) ? 0 : 1;
        sys.tcp_window_scaling = (h & 4) ? 0 : 1;
        sys.tcp_ecn = (h & 8) ? 2 : 1; // active opens ask for ECN, or only accept it
        // SYN cookies: on overflow (Linux's default; the small backlogs
        // below overflow), always, or never. A cookie's ACK makes its child
        // at the listener, a receive path of its own.
        static const int cookie_modes[] = {1, 2, 0, 1};
        sys.tcp_syncookies = cookie_modes[(h >> 5) % 4];
        FUZZ_CHECK(inet::iproute::addr_add(s, eth0, our_ip, 24) == 0, 0, 0);
        FUZZ_CHECK(s.dev_open(eth0) == 0, 0, 0);
        // The peer's address is permanent: no ARP between the segments.
        s.locked([](auto& ctx) {
            inet::neighbour* n = inet::neigh_create(ctx, eth0, peer_ip);
            FUZZ_CHECK(n != nullptr, 0, 0);
            inet::neigh_update(ctx, *n, peer_mac, nud_permanent,
                               inet::neigh_update_f_admin | inet::neigh_update_f_override);
            return 0;
        });
        static const int backlogs[] = {8, 0, 1, 2};
        listener(backlogs[(h >> 3) % 4]);
        after();
    }

    void listener(int backlog) {
        const int fd = s.socket(af_inet, sock_stream | sock_nonblock, 0);
        FUZZ_CHECK(fd >= 0, fd, 0);
        const int on = 1;
        s.setsockopt(fd, sol_socket, so_reuseaddr, &on, sizeof on);
        sockaddr_in a{};
        a.sin_family = af_inet;
        a.sin_port = cpu_to_be16(static_cast<std::uint16_t>(listen_port));
        const int b = s.bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
        const int l = b ? b : s.listen(fd, backlog);
        if (l) {
            s.close(fd);
            return;
        }
        app[0] = app_sock{};
        app[0].fd = fd;
    }

    app_sock* free_slot() {
        for (int i = 1; i < 6; ++i)
            if (app[i].fd < 0)
                return &app[i];
        return nullptr;
    }

    void connect_op() {
        const unsigned k = in.u8();
        app_sock* a = free_slot();
        if (!a)
            return;
        const int fd = s.socket(af_inet, sock_stream | sock_nonblock, 0);
        if (fd < 0)
            return;
        *a = app_sock{};
        a->fd = fd;
        a->dport = 5000 + (k & 1);
        if (k & 2) { // a fixed port: the tuple comes back (TIME_WAIT, reuse)
            const int on = 1;
            s.setsockopt(fd, sol_socket, so_reuseaddr, &on, sizeof on);
            sockaddr_in me{};
            me.sin_family = af_inet;
            me.sin_port = cpu_to_be16(4000);
            s.bind(fd, reinterpret_cast<const sockaddr*>(&me), sizeof me);
        }
        if (k & 4)
            sockopt(*a, k >> 3);
        sockaddr_in to{};
        to.sin_family = af_inet;
        to.sin_addr.s_addr = peer_ip;
        to.sin_port = cpu_to_be16(static_cast<std::uint16_t>(a->dport));
        if (trace)
            dump_left();
        const int r = s.connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to);
        after(r);
        if (trace)
            std::fprintf(stderr, "app connect fd %d to %u%s: %d\n", fd, a->dport,
                         (k & 2) ? " from 4000" : "", r);
    }

    void accept_op() {
        if (app[0].fd < 0) {
            listener(static_cast<int>(in.u8() % 4));
            after();
            return;
        }
        app_sock* a = free_slot();
        if (!a)
            return;
        const int fd = s.accept4(app[0].fd, nullptr, nullptr, sock_nonblock);
        after(fd);
        if (trace)
            std::fprintf(stderr, "app accept: %d\n", fd);
        if (fd < 0)
            return;
        *a = app_sock{};
        a->fd = fd;
        learn_isn(fd);
        link(*a);
    }

    //! The ISN of a connection just accepted, which the harness may not have
    //! seen (a SYN-ACK the pool could not send, the handshake completed by a
    //! guess of the peer's): nothing is written yet, so it is the sequence
    //! before write_seq.
    void learn_isn(int fd) {
        sockaddr_in peer{};
        socklen_t len = sizeof peer;
        sock* sk = s.sk_of_fd(fd);
        if (!sk || s.getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0)
            return;
        conn_view* v = view_of(listen_port, be16_to_cpu(peer.sin_port));
        const std::uint32_t isn = inet::tcp_of(*sk).write_seq - 1;
        if (!v || (v->have_isn && v->isn == isn))
            return;
        v->have_isn = true;
        v->isn = isn;
        v->snd_hi = isn + 1;
        v->written = 0;
        v->fin_ok = false;
    }

    app_sock& pick() { return app[1 + in.u8() % 5]; }

    void send_op() {
        static unsigned char data[65536];
        static const std::size_t sizes[] = {1, 10, 100, 1000, 1448, 3000, 10000, 65536};
        app_sock& a = pick();
        const unsigned k = in.u8();
        if (a.fd < 0)
            return;
        const std::size_t n = sizes[k % 8];
        const int flags = msg_dontwait | ((k & 8) ? msg_more : 0);
        // The segments may leave during the call: what it may take counts
        // first, what it did not take is given back after.
        conn_view* v = link(a);
        unsigned long& w = v ? v->written : a.pending;
        w += n;
        const long r = s.send(a.fd, data, n, flags);
        w -= n - (r > 0 ? static_cast<std::size_t>(r) : 0);
        after(r);
        FUZZ_CHECK(r <= static_cast<long>(n), r, n);
        if (trace)
            std::fprintf(stderr, "app send fd %d %zu: %ld\n", a.fd, n, r);
    }

    void recv_op() {
        static unsigned char buf[65536];
        static const std::size_t sizes[] = {1, 100, 4096, 65536};
        app_sock& a = pick();
        const unsigned k = in.u8();
        const int fd = (k & 0x80) ? app[0].fd : a.fd;
        if (fd < 0)
            return;
        // What is read is the peer's data from the socket's copied_seq on
        // (urgent data, which leaves a hole in the stream, aside).
        sock* sk = s.sk_of_fd(fd);
        const std::uint32_t from = sk ? inet::tcp_of(*sk).copied_seq : 0;
        const bool urgent = sk && inet::tcp_of(*sk).urg_data;
        const long r = s.recv(fd, buf, sizes[k % 4], msg_dontwait | ((k & 4) ? msg_peek : 0));
        after(r);
        FUZZ_CHECK(r <= static_cast<long>(sizes[k % 4]), r, k);
        if (r > 0 && !urgent && !seen_urg) {
            const std::size_t bad = check_payload(buf, from, static_cast<std::size_t>(r));
            FUZZ_CHECK(bad == static_cast<std::size_t>(r), bad, r);
        }
    }

    void fin_ok(app_sock& a) {
        if (conn_view* v = link(a))
            v->fin_ok = true;
        else
            a.pending_fin = true;
    }

    void close_op() {
        const unsigned k = in.u8();
        app_sock& a = app[k % 6];
        if (a.fd < 0)
            return;
        const unsigned how = (k >> 3) % 4;
        if (trace)
            std::fprintf(stderr, "app %s fd %d\n", how == 0 ? "close" : "shutdown", a.fd);
        if (how == 0 || &a == &app[0]) {
            fin_ok(a);
            after(s.close(a.fd));
            a = app_sock{};
            return;
        }
        if (how != shut_rd + 1)
            fin_ok(a);
        after(s.shutdown(a.fd, static_cast<int>(how - 1)));
    }

    void sockopt(app_sock& a, unsigned k) {
        int v = 0;
        int level = sol_tcp, name = 0;
        switch (k % 10) {
        case 0:
            name = tcp_nodelay;
            v = 1;
            break;
        case 1:
            name = tcp_nodelay;
            v = 0;
            break;
        case 2:
            name = tcp_cork;
            v = 1;
            break;
        case 3:
            name = tcp_cork;
            v = 0;
            break;
        case 4:
            level = sol_socket;
            name = so_keepalive;
            v = 1;
            break;
        case 5:
            name = tcp_keepidle;
            v = 1 + static_cast<int>(in.u8() % 8);
            break;
        case 6:
            name = tcp_keepintvl;
            v = 1 + static_cast<int>(in.u8() % 8);
            break;
        case 7:
            name = tcp_keepcnt;
            v = 1 + static_cast<int>(in.u8() % 4);
            break;
        case 8:
            name = tcp_user_timeout;
            v = static_cast<int>(in.u8()) * 100;
            break;
        default: {
            struct linger l {
                1, static_cast<int>(in.u8() % 3)
            };
            after(s.setsockopt(a.fd, sol_socket, so_linger, &l, sizeof l));
            return;
        }
        }
        after(s.setsockopt(a.fd, level, name, &v, sizeof v));
    }

    void sockopt_op() {
        const unsigned k = in.u8();
        app_sock& a = app[k % 6];
        if (a.fd >= 0)
            sockopt(a, k >> 3);
    }

    //! The clock runs \p ms, stopping at every timer on the way (at most
    //! 64 of them), so that each fires when it is due.
    void clock(unsigned long ms) {
        for (int steps = 0; ms && steps < 64; ++steps) {
            const long t = s.next_timer();
            unsigned long step = t < 0 || static_cast<unsigned long>(t) > ms
                                     ? ms
                                     : (t ? static_cast<unsigned long>(t) : 1);
            s.advance(step);
            now_ms += step;
            ms -= step;
            after();
        }
    }

    void clock_op() {
        static const unsigned long steps[] = {1,     5,     40,     200,    1000,    3000,
                                              10000, 60000, 120000, 600000, 7200000, 0};
        const unsigned k = in.u8() % 12;
        clock(k == 11 ? in.u16() : steps[k]);
    }

    //! The peer's segment's options, by the input's choice: Linux's SYN,
    //! timestamps, SACK blocks, or something broken.
    void options(frame& f, conn_view* v, unsigned flags) {
        const unsigned k = in.u8() % 16;
        const bool syn = flags & tcphdr_syn;
        const std::uint32_t tsval = static_cast<std::uint32_t>(now_ms) + 7;
        const std::uint32_t tsecr = v ? v->tsval : 0;
        auto ts = [&](std::uint32_t val, std::uint32_t ecr) {
            f.u8(8);
            f.u8(10);
            f.u32(val);
            f.u32(ecr);
        };
        const std::uint32_t hi = v ? v->snd_hi : 0;
        switch (k) {
        case 1: // none
            break;
        case 2: // a SYN's options without timestamps
            f.u8(2), f.u8(4), f.u16(1460);
            f.u8(1), f.u8(1), f.u8(4), f.u8(2);
            f.u8(1), f.u8(3), f.u8(3), f.u8(in.u8() % 16);
            break;
        case 3: // an MSS of any size, window scale of any shift
            f.u8(2), f.u8(4), f.u16(in.u16());
            f.u8(1), f.u8(3), f.u8(3), f.u8(in.u8());
            break;
        case 4: { // SACK blocks near what ksock sent
            f.u8(1), f.u8(1);
            ts(tsval, tsecr);
            const unsigned n = 1 + in.u8() % 4;
            f.u8(1), f.u8(1), f.u8(5), f.u8(2 + 8 * n);
            for (unsigned i = 0; i < n; ++i) {
                const std::uint32_t a = hi - 1448u * (in.u8() % 8);
                f.u32(a);
                f.u32(a + 1 + in.u8() * 16u);
            }
            break;
        }
        case 5: // anything
            for (unsigned i = 0, n = in.u8() % 41; i < n; ++i)
                f.u8(in.u8());
            break;
        case 6: { // a known kind with a wrong or truncated length
            static const unsigned char kinds[] = {2, 3, 4, 5, 8, 30};
            const unsigned kk = in.u8();
            f.u8(kinds[kk % 6]);
            f.u8(kk >> 3);
            for (unsigned i = 0, n = in.u8() % 12; i < n; ++i)
                f.u8(in.u8());
            break;
        }
        case 7: // NOP runs, an EOL, then garbage
            for (unsigned i = 0, n = in.u8() % 20; i < n; ++i)
                f.u8(1);
            f.u8(0);
            f.u8(8), f.u8(10);
            break;
        case 8: // timestamps old (PAWS) or echoing anything
            f.u8(1), f.u8(1);
            ts(in.u8() & 1 ? tsval - 0x80000000u : in.u32(), in.u8() & 1 ? tsecr : in.u32());
            break;
        default: // what Linux sends: its SYN's options, or timestamps
            if (syn) {
                f.u8(2), f.u8(4), f.u16(1460);
                f.u8(4), f.u8(2);
                ts(tsval, tsecr);
                f.u8(1), f.u8(3), f.u8(3), f.u8(7);
            } else if (!v || v->tsval) {
                f.u8(1), f.u8(1);
                ts(tsval, tsecr);
            }
            break;
        }
    }

    std::uint32_t pick_seq(unsigned k, conn_view* v, unsigned flags) {
        if (!v)
            return in.u32();
        const std::uint32_t exact = (flags & tcphdr_syn) ? v->peer_isn : v->peer_nxt;
        const std::uint32_t rcv = v->have_ack ? v->ack : exact;
        const std::uint32_t wnd = v->wnd;
        switch (k) {
        case 1:
            return rcv;
        case 2:
            return exact + 1;
        case 3:
            return exact - 1;
        case 4:
            return rcv + wnd;
        case 5:
            return rcv + wnd - 1;
        case 6:
            return rcv + (wnd ? in.u16() % wnd : 0);
        case 7:
            return rcv - 1 - in.u16();
        case 8:
            return rcv + 0x40000000u + in.u16();
        case 9:
            return in.u32();
        case 10:
            return rcv + 1448u * (1 + in.u8() % 4); // a hole before it
        default:
            return exact;
        }
    }
    std::uint32_t pick_ack(unsigned k, conn_view* v) {
        if (!v)
            return in.u32();
        const std::uint32_t hi = v->snd_hi;
        switch (k) {
        case 1:
            return hi - 1;
        case 2:
            return hi + 1;
        case 3:
            return v->isn + 1;
        case 4:
            return v->isn;
        case 5:
            return hi - 1 - in.u16();
        case 6:
            return hi + 0x40000000u;
        case 7:
            return in.u32();
        case 8:
            return 0;
        case 9:
            return hi - in.u8() * 8u; // part of what is in flight
        default:
            return hi;
        }
    }

    //! The tuple a segment is for: one ksock talks on, a new one toward the
    //! listener, or any ports.
    conn_view* pick_tuple(unsigned& lport, unsigned& pport) {
        const unsigned t = in.u8();
        conn_view* used[max_views];
        unsigned nv = 0;
        for (conn_view& v : views)
            if (v.used)
                used[nv++] = &v;
        const unsigned k = t % (nv + 3);
        if (k < nv) {
            lport = used[k]->lport;
            pport = used[k]->pport;
            return used[k];
        }
        if (k == nv) {
            lport = listen_port;
            pport = 1000 + (t >> 4) % 4;
            conn_view* v = view_of(lport, pport);
            return v ? v : view_new(lport, pport, 0x01000000u * (pport - 999) + 0x1234u);
        }
        lport = k == nv + 1 ? listen_port : in.u16();
        pport = in.u16();
        return view_of(lport, pport);
    }

    //! An IP-level variation of the frame (\p ipat: its IPv4 header).
    void ip_variation(frame& f, std::size_t ipat, unsigned k) {
        switch (k) {
        case 2:
            f.set16(ipat + 6, 0x2000);
            break; // MF: a first fragment
        case 3:
            f.set16(ipat + 6, 0x0000 | (1 + in.u8() % 8));
            break; // a later fragment
        case 4:
            f.set16(ipat + 2, get16(f.b + ipat + 2) - 1 - in.u8() % 40);
            break;
        case 5:
            f.set16(ipat + 2, get16(f.b + ipat + 2) + 1 + in.u8() % 40);
            break;
        case 6:
            f.b[ipat + 8] = 1;
            break; // TTL 1: still ours
        case 7:
            f.b[ipat + 10] ^= 1;
            return; // a wrong header sum
        default:
            return;
        }
        f.set16(ipat + 10, 0);
        f.set16(ipat + 10, csum(f.b + ipat, (f.b[ipat] & 0x0f) * 4u));
    }

    void segment() {
        static const unsigned char ftab[15] = {tcphdr_ack,
                                               tcphdr_ack | tcphdr_psh,
                                               tcphdr_syn,
                                               tcphdr_syn | tcphdr_ack,
                                               tcphdr_fin | tcphdr_ack,
                                               tcphdr_rst,
                                               tcphdr_rst | tcphdr_ack,
                                               tcphdr_ack,
                                               tcphdr_fin | tcphdr_psh | tcphdr_ack,
                                               tcphdr_fin,
                                               tcphdr_ack | 0x20,
                                               tcphdr_syn | tcphdr_fin,
                                               tcphdr_syn | tcphdr_rst,
                                               0,
                                               tcphdr_ack | 0xc0};
        unsigned lport = 0, pport = 0;
        conn_view* v = pick_tuple(lport, pport);
        const unsigned fk = in.u8() % 16;
        const unsigned flags = fk == 15 ? in.u8() : ftab[fk];
        seen_urg = seen_urg || (flags & 0x20);
        const unsigned q = in.u8();
        const std::uint32_t seq = pick_seq(q & 15, v, flags);
        const std::uint32_t ack =
            (flags & tcphdr_ack) ? pick_ack(q >> 4, v) : (q & 0x80 ? in.u32() : 0);
        static const unsigned wins[8] = {65535, 0, 1, 512, 1460, 8192, 65535, 0x10000};
        const unsigned wb = in.u8();
        const unsigned wk = wb % 8;
        const unsigned win = wk == 7 ? in.u16() : wins[wk];
        const unsigned ecn = (wb >> 3) & 3; // the TOS byte's ECN field: any codepoint
        frame f;
        for (unsigned char c : our_mac)
            f.u8(c);
        for (unsigned char c : peer_mac)
            f.u8(c);
        f.u16(0x0800);
        const std::size_t ipat = f.n;
        const unsigned xk = in.u8() % 16;
        const std::size_t ipopt = xk == 8 ? 4u * (1 + in.u8() % 10) : 0;
        f.u8(0x45 + static_cast<unsigned>(ipopt / 4));
        f.u8(ecn);
        f.u16(0);
        f.u16(static_cast<unsigned>(segs_in));
        f.u16(0x4000);
        f.u8(64);
        f.u8(6);
        f.u16(0);
        f.u32(be32_to_cpu(peer_ip));
        f.u32(be32_to_cpu(our_ip));
        for (std::size_t i = 0; i < ipopt; ++i)
            f.u8(i == 0 ? 1 : in.u8()); // NOP, then anything
        const std::size_t th = f.n;
        f.u16(pport);
        f.u16(lport);
        f.u32(seq);
        f.u32(ack);
        f.u16(0);
        f.u16(win);
        f.u16(0);
        f.u16(flags & 0x20 ? in.u16() : 0);
        options(f, v, flags);
        while ((f.n - th) % 4)
            f.u8(0);
        if (f.n - th > 60)
            f.n = th + 60;
        const std::size_t doff = f.n - th;
        f.b[th + 12] = static_cast<unsigned char>((xk == 9 ? in.u8() % 16 : doff / 4) << 4);
        f.b[th + 13] = static_cast<unsigned char>(flags);
        static const std::size_t lens[8] = {0, 1, 10, 100, 536, 1448, 1460, 1500};
        const unsigned lk = in.u8() % 16;
        std::size_t len = lk == 8 ? in.u8() : (lk == 9 ? in.u16() % 1500 : lk < 8 ? lens[lk] : 0);
        if (len > sizeof f.b - f.n)
            len = sizeof f.b - f.n;
        fill_payload(f.b + f.n, seq, len);
        f.n += len;
        // A data offset the input chose: the data is where it says.
        if (const std::size_t claimed = (f.b[th + 12] >> 4) * 4u;
            xk == 9 && claimed >= 20 && th + claimed <= f.n)
            fill_payload(f.b + th + claimed, seq, f.n - th - claimed);
        f.set16(ipat + 2, static_cast<unsigned>(f.n - ipat));
        f.set16(ipat + 10, csum(f.b + ipat, 20 + ipopt));
        const std::size_t tl = f.n - th;
        unsigned c = csum(f.b + th, tl, pseudo(f.b + ipat, 6, tl));
        f.set16(th + 16, c ^ (xk == 1 ? 0x0100u : 0u));
        ip_variation(f, ipat, xk);
        // A SYN on a new tuple may make a child: the peer remembers it.
        if (!v && (flags & tcphdr_syn))
            v = view_new(lport, pport, seq);
        // An ACK at the listener may be a SYN cookie's.
        if (v && lport == listen_port && (flags & tcphdr_ack) &&
            !(flags & (tcphdr_syn | tcphdr_rst)))
            v->cookie_isns[v->ncookie++ % conn_view::max_cookie_isns] = ack - 1;
        if (v)
            v->sent_end(seq);
        // The peer's view: a segment at its own next sequence moves it.
        // (its length as the headers tell it, which the input may have changed)
        const std::size_t hl = 20 + ipopt + (f.b[th + 12] >> 4) * 4u;
        const std::size_t tot = get16(f.b + ipat + 2);
        len = tot > hl ? tot - hl : 0;
        const std::uint32_t end = seq + static_cast<std::uint32_t>(len) +
                                  ((flags & tcphdr_syn) ? 1u : 0u) +
                                  ((flags & tcphdr_fin) ? 1u : 0u);
        if (v) {
            v->sent_end(end);
            if (flags & tcphdr_syn)
                v->sent_end(seq + 1); // (a SYN's data is not taken: no Fast Open)
            if ((q & 15) == 0 || (q & 15) > 10) {
                v->peer_nxt = end;
                if (flags & tcphdr_syn)
                    v->peer_ws = true; // (the normal SYN offers scaling; a guess otherwise)
            }
        }
        rx(f, (flags & tcphdr_rst) ? lport : 0);
    }

    void rx(frame& f, unsigned rst_port) {
        ++segs_in;
        if (trace) {
            const std::size_t ihl = (f.b[14] & 0x0f) * 4u;
            const std::size_t tot = get16(f.b + 16);
            std::fprintf(stderr, "(ip tot %zu frame %zu) ", tot, f.n - 14);
            trace_seg(" in", f.b + 14 + ihl, (tot < f.n - 14 ? tot : f.n - 14) - ihl);
        }
        // (a frame still in the qdisc from before is not this RST's answer)
        rx_is_rst = rst_port && s.netdev(eth0)->qstats.qlen == 0 && !dev().busy;
        rx_rst_port = rst_port;
        dev().rx = f.b;
        dev().rx_len = f.n;
        s.advance(0);
        rx_is_rst = false;
        after();
    }

    //! (with KSOCK_FUZZ_TCP_TRACE) the connections still there at the end.
    void dump_left() {
        s.locked([](auto& ctx) {
            ctx.template for_each_obj<inet::tcp_prot>([](auto& o) {
                sock& sk = o.inet_conn.icsk_inet.sk;
                const inet::tcp_sock& tp = inet::tcp_of(sk);
                std::fprintf(
                    stderr,
                    "left: port %u state %d pending %d packets_out %u wq %p ofo %p dead %d\n",
                    inet::inet_sk(&sk)->inet_num(), sk.sk_state(), tp.inet_conn.icsk_pending,
                    tp.packets_out, static_cast<const void*>(skb_peek(sk.sk_write_queue)),
                    static_cast<const void*>(tp.out_of_order_queue.rb_node),
                    sock_flag(sk, sock_dead));
            });
            return 0;
        });
    }

    void run() {
        setup();
        for (int ops = 0; !in.empty() && ops < 512; ++ops) {
            // Most operations are segments; the application's and the
            // clock's come between them.
            const unsigned op = in.u8() % 32;
            if (trace && op >= 20)
                std::fprintf(stderr, "op %u at %lu ms\n", op, now_ms);
            switch (op) {
            case 20:
                connect_op();
                break;
            case 21:
            case 22:
                accept_op();
                break;
            case 23:
            case 24:
                send_op();
                break;
            case 25:
            case 26:
                recv_op();
                break;
            case 27:
                close_op();
                break;
            case 28:
                sockopt_op();
                break;
            case 29:
            case 30:
                clock_op();
                break;
            case 31: // the driver's ring full (a quarter of the time) or not
                dev().busy = (in.u8() & 3) == 0;
                s.advance(0);
                after();
                break;
            default:
                segment();
                break;
            }
        }
        // Everything goes: the ring frees, the sockets close, every timer
        // runs out (retransmissions of the FINs nobody answers, FIN_WAIT2,
        // TIME_WAIT); nothing may be left.
        dev().busy = false;
        s.advance(0); // (the queue runs: what waited for the driver goes)
        after();
        for (app_sock& a : app)
            if (a.fd >= 0) {
                fin_ok(a);
                after(s.close(a.fd));
                a = app_sock{};
            }
        int steps = 0;
        for (long t = s.next_timer(); t >= 0 && steps < 1000; t = s.next_timer(), ++steps) {
            s.advance(t ? static_cast<unsigned long>(t) : 1);
            after();
        }
        if (trace)
            dump_left();
        FUZZ_CHECK(steps < 1000, steps, s.next_timer());
        FUZZ_CHECK(s.netdev(eth0)->qstats.qlen == 0, s.netdev(eth0)->qstats.qlen, 0);
        FUZZ_CHECK(s.skbs_in_use() == 0, s.skbs_in_use(), 0);
        FUZZ_CHECK(s.empty(), 0, 0);
    }
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    trace = std::getenv("KSOCK_FUZZ_TCP_TRACE") != nullptr;
    std::atexit([] {
        std::printf("fuzz_tcp: %lu inputs, %lu segments injected, %lu frames sent (%lu TCP), "
                    "%lu busy answers, states reached 0x%lx, SYN cookies %lu sent, %lu taken, "
                    "%lu refused\n",
                    inputs, segs_in, frames_out, segs_out, tx_busy, states_seen, cookie_counts[0],
                    cookie_counts[1], cookie_counts[2]);
        // A run that was to prove a number of segments and did not fails.
        const char* min = std::getenv("KSOCK_FUZZ_TCP_MIN_SEGMENTS");
        if (min && segs_in < std::strtoul(min, nullptr, 10)) {
            std::printf("fuzz_tcp: fewer segments than the %s required\n", min);
            std::fflush(stdout);
            std::_Exit(1);
        }
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ++inputs;
    for (conn_view& v : views)
        v = conn_view{};
    S s; // a fresh stack for every input
    harness h{s, reader{{data, size}}, {}, 0, false};
    h.run();
    const inet::linux_mib& ext = inet::ipv4_net(s).mib.ext;
    cookie_counts[0] += ext.syncookies_sent;
    cookie_counts[1] += ext.syncookies_recv;
    cookie_counts[2] += ext.syncookies_failed;
    return 0;
}
