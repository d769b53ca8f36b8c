// test/objects/images.cpp: the protos' constexpr default images against the
// spec's values (§4.2, §5.1, §5.2, §7), the same values on objects created at
// run time, and the layout casts (§6, §2.4).
#include <climits>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/static_require.hpp"

namespace {

using namespace ksock;
using namespace ksock::inet;
using namespace ksock::unix_domain;
using S = default_stack;

constexpr bool str_eq(const char* a, const char* b) {
    while (*a && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

constexpr const tcp_sock& tcp_img = inet::tcp_prot::defaults;
constexpr const udp_sock& udp_img = inet::udp_prot::defaults;
constexpr const inet_sock& ping_img = inet::ping_prot::defaults;
constexpr const raw_sock& raw_img = inet::raw_prot::defaults;
constexpr const unix_sock& unix_img = unix_domain::unix_stream_proto::defaults;

//! sk_alloc + sock_init_data values every proto shares (spec §5.1, §5.2).
constexpr bool generic_sock_ok(const sock& sk) {
    return sk.sk_state() == 7 && sk.sk_rcvlowat == 1 && sk.sk_rcvtimeo == LONG_MAX &&
           sk.sk_sndtimeo == LONG_MAX && sk.sk_peek_off == -1 && sk.sk_refcnt() == 1 &&
           sk.sk_pacing_shift == 10 && sk.sk_incoming_cpu() == -1 &&
           sk.sk_max_pacing_rate == ~0UL && sk.sk_pacing_rate == ~0UL && sk.sk_wmem_alloc == 1 &&
           sk.sk_net_refcnt() == 1 && sk.sk_kern_sock == 0 && sk.sk_use_task_frag == 1 &&
           sock_flag(sk, sock_zapped) && !sock_flag(sk, sock_dead) && sk.sk_write_pending == 0 &&
           sk.sk_state_change == kfunc::sock_def_wakeup &&
           sk.sk_data_ready == kfunc::sock_def_readable &&
           sk.sk_error_report == kfunc::sock_def_error_report && sk.sk_allocation != 0 &&
           sk.sk_stamp == -1000000000LL && sk.sk_zckey == 0 && sk.sk_napi_id == 0 &&
           sk.sk_ll_usec == 0 && sk.sk_send_head == nullptr && sk.sk_peer_pid == 0 &&
           sk.sk_peer_cred.euid == 0 && sk.sk_peer_cred.egid == 0 && sk.sk_frag.page == nullptr &&
           sk.sk_frag.offset == 0 && sk.sk_common.skc_tx_queue_mapping == 0xffff &&
           sk.sk_common.skc_rx_queue_mapping == 0xffff && sk.sk_drops == 0 &&
           sk.sk_userlocks == 0 && sk.sk_shutdown == 0 && sk.sk_err == 0 && sk.sk_priority == 0 &&
           sk.sk_mark == 0 && sk.sk_bound_dev_if() == 0 && sk.sk_reuseport() == 0 &&
           sk.sk_lingertime == 0 && sk.sk_prot() == sk.sk_prot_creator;
}

//! inet_create's values (spec §4.2 steps 8-16), for an entry with \p flags.
constexpr bool inet_ok(const inet_sock& inet, int type, int protocol, bool icsk, bool reuse) {
    const sock& sk = inet.sk;
    const bool raw = type == sock_raw;
    return sk.sk_family() == pf_inet && sk.sk_type == type && sk.sk_protocol == protocol &&
           sk.sk_reuse() == (reuse ? 1 : 0) && inet_test_bit(inet, inet_flags_is_icsk) == icsk &&
           !inet_test_bit(inet, inet_flags_nodefrag) &&
           inet_test_bit(inet, inet_flags_hdrincl) == (raw && protocol == 255) &&
           inet_test_bit(inet, inet_flags_mc_loop) && inet_test_bit(inet, inet_flags_mc_all) &&
           inet.uc_ttl == -1 && inet.mc_ttl == 1 && inet.pmtudisc == 1 && inet.inet_id == 0 &&
           inet.mc_index == 0 && inet.mc_list == nullptr && inet.rcv_tos == 0 && inet.tos == 0 &&
           inet.min_ttl == 0 && inet.inet_saddr == 0 && inet.inet_daddr() == 0 &&
           inet.inet_dport() == 0 && inet.inet_rcv_saddr() == 0 &&
           inet.inet_num() == (raw ? protocol : 0) &&
           inet.inet_sport == (raw ? cpu_to_be16(static_cast<std::uint16_t>(protocol)) : 0) &&
           sk.sk_destruct != kfunc::sock_def_destruct && sk.sk_txrehash == 1;
}

} // namespace

TEST_CASE("images: TCP (tcp_init_sock, spec §7.1)") {
    constexpr const inet_connection_sock& icsk = tcp_img.inet_conn;
    constexpr const sock& sk = icsk.icsk_inet.sk;
    STATIC_REQUIRE(generic_sock_ok(sk));
    STATIC_REQUIRE(inet_ok(icsk.icsk_inet, sock_stream, 6, true, false));
    STATIC_REQUIRE(tcp_img.snd_cwnd == 10);
    STATIC_REQUIRE(tcp_img.snd_ssthresh == 0x7fffffff);
    STATIC_REQUIRE(tcp_img.snd_cwnd_clamp == ~0U);
    STATIC_REQUIRE(tcp_img.mss_cache == 536);
    STATIC_REQUIRE(tcp_img.mdev_us == 1000000);
    STATIC_REQUIRE(hz == 1000);
    STATIC_REQUIRE(icsk.icsk_rto == 1000);
    STATIC_REQUIRE(icsk.icsk_rto_min == 200);
    STATIC_REQUIRE(icsk.icsk_rto_max == 120000);
    STATIC_REQUIRE(icsk.icsk_delack_max == 200);
    STATIC_REQUIRE(tcp_img.reordering == 3);
    STATIC_REQUIRE(tcp_img.rtt_min.s[0].v == ~0U);
    STATIC_REQUIRE(tcp_img.rtt_min.s[1].v == ~0U);
    STATIC_REQUIRE(tcp_img.rtt_min.s[2].v == ~0U);
    STATIC_REQUIRE(tcp_img.app_limited == ~0U);
    STATIC_REQUIRE(tcp_img.rate_app_limited == 1);
    STATIC_REQUIRE(tcp_img.rack.reo_wnd_steps == 1);
    STATIC_REQUIRE(tcp_img.scaling_ratio == 128);
    STATIC_REQUIRE(tcp_img.tsoffset == 0);
    STATIC_REQUIRE(tcp_img.srtt_us == 0);
    STATIC_REQUIRE(tcp_img.advmss == 0);
    STATIC_REQUIRE(tcp_img.nonagle == 0);
    STATIC_REQUIRE(tcp_img.linger2 == 0);
    STATIC_REQUIRE(icsk.icsk_ca_ops == &tcp_cubic);
    STATIC_REQUIRE(str_eq(icsk.icsk_ca_ops->name, "cubic"));
    STATIC_REQUIRE(icsk.icsk_ca_priv[0] == 0);
    STATIC_REQUIRE(icsk.icsk_af_ops == ksock::inet::kf::ipv4_specific);
    STATIC_REQUIRE(icsk.icsk_sync_mss == ksock::inet::kf::tcp_sync_mss);
    STATIC_REQUIRE(icsk.icsk_retransmit_timer.function == ksock::inet::kf::tcp_write_timer);
    STATIC_REQUIRE(icsk.icsk_delack_timer.function == ksock::inet::kf::tcp_delack_timer);
    STATIC_REQUIRE(sk.sk_timer.function == ksock::inet::kf::tcp_keepalive_timer);
    STATIC_REQUIRE(tcp_img.pacing_timer.function == ksock::inet::kf::tcp_pace_kick);
    STATIC_REQUIRE(tcp_img.pacing_timer.mode == hrtimer_mode::abs_pinned_soft);
    STATIC_REQUIRE(tcp_img.compressed_ack_timer.function ==
                   ksock::inet::kf::tcp_compressed_ack_kick);
    STATIC_REQUIRE(tcp_img.compressed_ack_timer.mode == hrtimer_mode::rel_pinned_soft);
    STATIC_REQUIRE(icsk.icsk_pending == 0);
    STATIC_REQUIRE(icsk.icsk_ack.pending == 0);
    STATIC_REQUIRE(sk.sk_sndbuf == 16384);
    STATIC_REQUIRE(sk.sk_rcvbuf == 131072);
    STATIC_REQUIRE(sk.sk_write_space == ksock::kfunc::sk_stream_write_space);
    STATIC_REQUIRE(sock_flag(sk, sock_use_write_queue));
    STATIC_REQUIRE(sk.sk_destruct == ksock::inet::kf::inet_sock_destruct);
    STATIC_REQUIRE(sk.sk_backlog_rcv == ksock::inet::kf::tcp_v4_do_rcv);
    STATIC_REQUIRE(sk.sk_allocation == gfp_kernel);
    STATIC_REQUIRE(sk.sk_prot() == proto_desc_v<inet::tcp_prot>);
    STATIC_REQUIRE(str_eq(sk.sk_prot()->name, "TCP"));
    STATIC_REQUIRE(sk.sk_prot()->obj_size == sizeof(tcp_sock));
    STATIC_REQUIRE(sk.sk_net() == nullptr);
}

TEST_CASE("images: UDP, PING, RAW (spec §4.2, §7.2-7.4)") {
    constexpr const sock& usk = udp_img.inet.sk;
    STATIC_REQUIRE(generic_sock_ok(usk));
    STATIC_REQUIRE(inet_ok(udp_img.inet, sock_dgram, 17, false, false));
    STATIC_REQUIRE(usk.sk_sndbuf == 212992);
    STATIC_REQUIRE(usk.sk_rcvbuf == 212992);
    STATIC_REQUIRE(udp_img.forward_threshold == 53248);
    STATIC_REQUIRE(usk.sk_destruct == ksock::inet::kf::udp_destruct_sock);
    STATIC_REQUIRE(usk.sk_write_space == kfunc::sock_def_write_space);
    STATIC_REQUIRE(usk.sk_backlog_rcv == ksock::inet::kf::udp_queue_rcv_skb);
    STATIC_REQUIRE(usk.sk_timer.function == kfunc::none);
    STATIC_REQUIRE(str_eq(usk.sk_prot()->name, "UDP"));

    constexpr const sock& psk = ping_img.sk;
    STATIC_REQUIRE(generic_sock_ok(psk));
    STATIC_REQUIRE(inet_ok(ping_img, sock_dgram, 1, false, true));
    STATIC_REQUIRE(psk.sk_reuse() == sk_can_reuse);
    STATIC_REQUIRE(psk.sk_sndbuf == 212992);
    STATIC_REQUIRE(psk.sk_rcvbuf == 212992);
    STATIC_REQUIRE(psk.sk_destruct == ksock::inet::kf::inet_sock_destruct);
    STATIC_REQUIRE(psk.sk_write_space == kfunc::sock_def_write_space);
    STATIC_REQUIRE(psk.sk_backlog_rcv == ksock::inet::kf::ping_queue_rcv_skb);
    STATIC_REQUIRE(ping_img.inet_num() == 0);
    STATIC_REQUIRE(str_eq(psk.sk_prot()->name, "PING"));

    constexpr const sock& rsk = raw_img.inet.sk;
    STATIC_REQUIRE(generic_sock_ok(rsk));
    STATIC_REQUIRE(inet_ok(raw_img.inet, sock_raw, 255, false, true));
    STATIC_REQUIRE(inet_test_bit(raw_img.inet, inet_flags_hdrincl));
    STATIC_REQUIRE(raw_img.inet.inet_num() == 255);
    STATIC_REQUIRE(raw_img.inet.inet_sport == cpu_to_be16(255));
    STATIC_REQUIRE(rsk.sk_reuse() == 1);
    STATIC_REQUIRE(rsk.sk_sndbuf == 212992);
    STATIC_REQUIRE(rsk.sk_rcvbuf == 212992);
    STATIC_REQUIRE(rsk.sk_destruct == ksock::inet::kf::inet_sock_destruct);
    STATIC_REQUIRE(rsk.sk_backlog_rcv == ksock::inet::kf::raw_rcv_skb);
    STATIC_REQUIRE(str_eq(rsk.sk_prot()->name, "RAW"));
    // Only a raw socket of IPPROTO_RAW has HDRINCL; only TCP is ICSK.
    STATIC_REQUIRE(!inet_test_bit(udp_img.inet, inet_flags_hdrincl));
    STATIC_REQUIRE(!inet_test_bit(ping_img, inet_flags_hdrincl));
    STATIC_REQUIRE(!inet_test_bit(tcp_img.inet_conn.icsk_inet, inet_flags_hdrincl));
    STATIC_REQUIRE(!inet_test_bit(raw_img.inet, inet_flags_is_icsk));
    // A raw socket of another protocol: no HDRINCL, inet_num = protocol.
    constexpr raw_sock raw1 = inet::inet_create::image<inet::raw_protosw>(ipproto_icmp);
    STATIC_REQUIRE(!inet_test_bit(raw1.inet, inet_flags_hdrincl));
    STATIC_REQUIRE(raw1.inet.inet_num() == 1);
    STATIC_REQUIRE(raw1.inet.sk.sk_protocol == 1);
    STATIC_REQUIRE(raw1.filter.data == 0);
    // net.ipv4.ip_no_pmtu_disc != 0 gives IP_PMTUDISC_DONT.
    constexpr ipv4_sysctl nopmtu = [] {
        ipv4_sysctl s{};
        s.ip_no_pmtu_disc = 1;
        return s;
    }();
    STATIC_REQUIRE(inet::inet_create::image<inet::udp_protosw>(17, nopmtu).inet.pmtudisc == 0);
    // Buffers follow the sysctls.
    constexpr ipv4_sysctl small = [] {
        ipv4_sysctl s{};
        s.tcp_wmem[1] = 8192;
        s.tcp_reordering = 5;
        return s;
    }();
    constexpr net_core_sysctl small_core = [] {
        net_core_sysctl s{};
        s.rmem_default = 4096;
        return s;
    }();
    STATIC_REQUIRE(
        inet::inet_create::image<inet::udp_protosw>(17, small, small_core).forward_threshold ==
        1024);
    STATIC_REQUIRE(
        inet::inet_create::image<inet::tcp_protosw>(6, small).inet_conn.icsk_inet.sk.sk_sndbuf ==
        8192);
    STATIC_REQUIRE(inet::inet_create::image<inet::tcp_protosw>(6, small).reordering == 5);
}

TEST_CASE("images: UNIX stream and dgram (unix_create1)") {
    constexpr const sock& sk = unix_img.sk;
    STATIC_REQUIRE(generic_sock_ok(sk));
    STATIC_REQUIRE(sk.sk_family() == pf_unix);
    STATIC_REQUIRE(sk.sk_type == sock_stream);
    STATIC_REQUIRE(sk.sk_protocol == 0);
    STATIC_REQUIRE(sk.sk_sndbuf == 212992);
    STATIC_REQUIRE(sk.sk_rcvbuf == 212992);
    STATIC_REQUIRE(sk.sk_destruct == ksock::unix_domain::kf::unix_sock_destructor);
    STATIC_REQUIRE(sk.sk_write_space == ksock::unix_domain::kf::unix_write_space);
    STATIC_REQUIRE(sk.sk_max_ack_backlog == 10);
    STATIC_REQUIRE(sk.sk_reuse() == 0);
    STATIC_REQUIRE(unix_img.peer == nullptr);
    STATIC_REQUIRE(unix_img.peer_wake.func == ksock::unix_domain::kf::unix_dgram_peer_wake_relay);
    STATIC_REQUIRE(str_eq(sk.sk_prot()->name, "UNIX-STREAM"));
    constexpr const unix_sock& d = unix_domain::unix_dgram_proto::defaults;
    STATIC_REQUIRE(d.sk.sk_type == sock_dgram);
    STATIC_REQUIRE(str_eq(d.sk.sk_prot()->name, "UNIX"));
}

namespace {
//! Every address-independent sock field of a run-time sock equals the image.
void check_sock_like(const sock& a, const sock& img) {
    CHECK(a.sk_family() == img.sk_family());
    CHECK(a.sk_state() == img.sk_state());
    CHECK(a.sk_reuse() == img.sk_reuse());
    CHECK(a.sk_type == img.sk_type);
    CHECK(a.sk_protocol == img.sk_protocol);
    CHECK(a.sk_rcvbuf == img.sk_rcvbuf);
    CHECK(a.sk_sndbuf == img.sk_sndbuf);
    CHECK(a.sk_flags == img.sk_flags);
    CHECK(a.sk_rcvlowat == img.sk_rcvlowat);
    CHECK(a.sk_rcvtimeo == img.sk_rcvtimeo);
    CHECK(a.sk_sndtimeo == img.sk_sndtimeo);
    CHECK(a.sk_peek_off == img.sk_peek_off);
    CHECK(a.sk_pacing_shift == img.sk_pacing_shift);
    CHECK(a.sk_pacing_rate == img.sk_pacing_rate);
    CHECK(a.sk_max_pacing_rate == img.sk_max_pacing_rate);
    CHECK(a.sk_incoming_cpu() == img.sk_incoming_cpu());
    CHECK(a.sk_wmem_alloc == img.sk_wmem_alloc);
    CHECK(a.sk_net_refcnt() == img.sk_net_refcnt());
    CHECK(a.sk_allocation == img.sk_allocation);
    CHECK(a.sk_txrehash == img.sk_txrehash);
    CHECK(a.sk_stamp == img.sk_stamp);
    CHECK(a.sk_max_ack_backlog == img.sk_max_ack_backlog);
    CHECK(a.sk_prot() == img.sk_prot());
    CHECK(a.sk_prot_creator == img.sk_prot_creator);
    CHECK(a.sk_state_change == img.sk_state_change);
    CHECK(a.sk_data_ready == img.sk_data_ready);
    CHECK(a.sk_write_space == img.sk_write_space);
    CHECK(a.sk_error_report == img.sk_error_report);
    CHECK(a.sk_backlog_rcv == img.sk_backlog_rcv);
    CHECK(a.sk_destruct == img.sk_destruct);
    CHECK(a.sk_timer.function == img.sk_timer.function);
    CHECK(a.sk_uid == 0);
    CHECK(a.sk_net() != nullptr);
    CHECK(a.sk_socket != nullptr);
    CHECK(a.sk_wq == &a.sk_socket->wq);
    CHECK(a.sk_socket->sk == &a);
    CHECK(a.sk_ino == reinterpret_cast<const socket_alloc*>(a.sk_socket)->vfs_inode.i_ino);
}
void check_inet_like(const inet_sock& a, const inet_sock& img) {
    check_sock_like(a.sk, img.sk);
    CHECK(a.inet_flags == img.inet_flags);
    CHECK(a.uc_ttl == img.uc_ttl);
    CHECK(a.mc_ttl == img.mc_ttl);
    CHECK(a.pmtudisc == img.pmtudisc);
    CHECK(a.inet_num() == img.inet_num());
    CHECK(a.inet_sport == img.inet_sport);
}
} // namespace

TEST_CASE("objects: run-time sockets carry the image values") {
    S s;
    ksock::inet::ipv4_net(s).sysctl.ping_group_range[1] = 0; // [1, 0] -> [1, 0]: widen below
    ksock::inet::ipv4_net(s).sysctl.ping_group_range[0] = 0;
    const int t = s.socket(pf_inet, sock_stream, 0);
    const int u = s.socket(pf_inet, sock_dgram, 0);
    const int p = s.socket(pf_inet, sock_dgram, ipproto_icmp);
    const int r = s.socket(pf_inet, sock_raw, ipproto_raw);
    const int x = s.socket(pf_unix, sock_stream, 0);
    REQUIRE(t == 0);
    REQUIRE(u == 1);
    REQUIRE(p == 2);
    REQUIRE(r == 3);
    REQUIRE(x == 4);

    SUBCASE("tcp") {
        const tcp_sock& tp = *tcp_sk(s.sk_of_fd(t));
        check_inet_like(tp.inet_conn.icsk_inet, tcp_img.inet_conn.icsk_inet);
        CHECK(tp.inet_conn.icsk_inet.sk.sk_refcnt() == 1);
        CHECK(tp.snd_cwnd == 10);
        CHECK(tp.snd_ssthresh == 0x7fffffffU);
        CHECK(tp.snd_cwnd_clamp == ~0U);
        CHECK(tp.mss_cache == 536);
        CHECK(tp.mdev_us == 1000000);
        CHECK(tp.inet_conn.icsk_rto == 1000);
        CHECK(tp.inet_conn.icsk_rto_min == 200);
        CHECK(tp.inet_conn.icsk_rto_max == 120000);
        CHECK(tp.inet_conn.icsk_delack_max == 200);
        CHECK(tp.reordering == 3);
        CHECK(tp.rtt_min.s[0].v == ~0U);
        CHECK(tp.app_limited == ~0U);
        CHECK(tp.rate_app_limited == 1);
        CHECK(tp.rack.reo_wnd_steps == 1);
        CHECK(tp.scaling_ratio == 128);
        CHECK(std::strcmp(tp.inet_conn.icsk_ca_ops->name, "cubic") == 0);
        CHECK(tp.inet_conn.icsk_af_ops == ksock::inet::kf::ipv4_specific);
        CHECK(tp.inet_conn.icsk_retransmit_timer.function == ksock::inet::kf::tcp_write_timer);
        CHECK(tp.inet_conn.icsk_delack_timer.function == ksock::inet::kf::tcp_delack_timer);
        CHECK(tp.pacing_timer.function == ksock::inet::kf::tcp_pace_kick);
        // Address-dependent: empty lists point at themselves.
        CHECK(tp.tsq_node.next == &tp.tsq_node);
        CHECK(tp.tsorted_sent_queue.next == &tp.tsorted_sent_queue);
        CHECK((s.socket_of(t)->flags & (1UL << sock_support_zc)) != 0);
        CHECK(s.net().sockets_allocated == 1);
        // A changed netns default congestion control applies to new sockets.
        REQUIRE(ksock::inet::ipv4_net(s).set_tcp_congestion_control("bbr") == 0);
        const int t2 = s.socket(pf_inet, sock_stream, 0);
        CHECK(std::strcmp(tcp_sk(s.sk_of_fd(t2))->inet_conn.icsk_ca_ops->name, "bbr") == 0);
        CHECK(ksock::inet::ipv4_net(s).set_tcp_congestion_control("vegas") == -2);
    }
    SUBCASE("udp") {
        const udp_sock& up = *udp_sk(s.sk_of_fd(u));
        check_inet_like(up.inet, udp_img.inet);
        CHECK(up.inet.sk.sk_refcnt() == 1);
        CHECK(up.forward_threshold == 53248);
        CHECK((s.socket_of(u)->flags & (1UL << sock_custom_sockopt)) != 0);
    }
    SUBCASE("ping") {
        const inet_sock& in = *inet_sk(s.sk_of_fd(p));
        check_inet_like(in, ping_img);
        CHECK(in.sk.sk_refcnt() == 1);
        CHECK(in.sk.sk_reuse() == 1);
    }
    SUBCASE("raw") {
        const raw_sock& rp = *raw_sk(s.sk_of_fd(r));
        check_inet_like(rp.inet, raw_img.inet);
        // raw_hash_sk holds a reference of its own (sk_add_node).
        CHECK(rp.inet.sk.sk_refcnt() == 2);
        CHECK(s.proto_state<inet::raw_prot>().count == 1);
        CHECK(s.proto_state<inet::raw_prot>().ht[255].first == &rp.inet.sk.sk_common.skc_node);
        CHECK(s.close(r) == 0);
        CHECK(s.proto_state<inet::raw_prot>().count == 0);
        CHECK(s.proto_state<inet::raw_prot>().ht[255].first == nullptr);
        CHECK(s.objects_in_use<inet::raw_prot>() == 0);
    }
    SUBCASE("unix") {
        const unix_sock& un = *unix_sk(s.sk_of_fd(x));
        check_sock_like(un.sk, unix_img.sk);
        CHECK(un.sk.sk_refcnt() == 1);
        CHECK(un.peer == nullptr);
    }
}

namespace {
//! An object type with the sock not at offset 0.
struct late_sock {
    int x;
    ksock::sock sk;
};
template <class To, class From>
concept can_cast = requires(From* p) {
    ksock::sk_cast<To>(p);
};
} // namespace

TEST_CASE("layout: first-member chains and casts (spec §6, §2.4)") {
    STATIC_REQUIRE(begins_with<tcp_sock, inet_connection_sock>);
    STATIC_REQUIRE(begins_with<tcp_sock, inet_sock>);
    STATIC_REQUIRE(begins_with<tcp_sock, sock>);
    STATIC_REQUIRE(begins_with<tcp_sock, sock_common>);
    STATIC_REQUIRE(begins_with<inet_connection_sock, sock>);
    STATIC_REQUIRE(begins_with<udp_sock, inet_sock>);
    STATIC_REQUIRE(begins_with<udp_sock, sock>);
    STATIC_REQUIRE(begins_with<raw_sock, inet_sock>);
    STATIC_REQUIRE(begins_with<raw_sock, sock>);
    STATIC_REQUIRE(begins_with<unix_sock, sock>);
    STATIC_REQUIRE(begins_with<inet_sock, inet_sock>);
    STATIC_REQUIRE(begins_with<socket_alloc, ksock::socket>);
    STATIC_REQUIRE(!begins_with<sock, inet_sock>);
    STATIC_REQUIRE(!begins_with<inet_sock, tcp_sock>);
    STATIC_REQUIRE(!begins_with<udp_sock, inet_connection_sock>);
    STATIC_REQUIRE(!begins_with<udp_sock, tcp_sock>);
    STATIC_REQUIRE(!begins_with<raw_sock, udp_sock>);
    STATIC_REQUIRE(!begins_with<unix_sock, inet_sock>);
    STATIC_REQUIRE(!begins_with<tcp_sock, unix_sock>);
    STATIC_REQUIRE(!begins_with<socket_alloc, inode>);
    STATIC_REQUIRE(!begins_with<tcp_sock, int>);
    STATIC_REQUIRE(!begins_with<late_sock, sock>);
    STATIC_REQUIRE(!sock_object<late_sock>);
    // sk_cast exists only down a real chain.
    STATIC_REQUIRE(can_cast<tcp_sock, sock>);
    STATIC_REQUIRE(can_cast<tcp_sock, inet_connection_sock>);
    STATIC_REQUIRE(can_cast<udp_sock, inet_sock>);
    STATIC_REQUIRE(can_cast<unix_sock, sock>);
    STATIC_REQUIRE(!can_cast<tcp_sock, udp_sock>);
    STATIC_REQUIRE(!can_cast<inet_sock, unix_sock>);
    STATIC_REQUIRE(!can_cast<sock, tcp_sock>); // not an upcast: sk_of is
    STATIC_REQUIRE(!can_cast<late_sock, sock>);

    S s;
    const int fd = s.socket(pf_inet, sock_stream, 0);
    REQUIRE(fd == 0);
    sock* sk = s.sk_of_fd(fd);
    tcp_sock* tp = tcp_sk(sk);
    CHECK(static_cast<void*>(tp) == static_cast<void*>(sk));
    CHECK(static_cast<void*>(inet_csk(sk)) == static_cast<void*>(sk));
    CHECK(static_cast<void*>(inet_sk(sk)) == static_cast<void*>(sk));
    CHECK(sk_of(tp) == sk);
    CHECK(&member_ref<sock>(*tp) == sk);
    CHECK(sk->sk_prot()->contains(type_id<tcp_sock>()));
    CHECK(sk->sk_prot()->contains(type_id<inet_connection_sock>()));
    CHECK(sk->sk_prot()->contains(type_id<inet_sock>()));
    CHECK(sk->sk_prot()->contains(type_id<sock>()));
    CHECK(!sk->sk_prot()->contains(type_id<udp_sock>()));
    CHECK(!sk->sk_prot()->contains(type_id<unix_sock>()));

    ksock::socket* so = s.socket_of(fd);
    inode* ino = SOCK_INODE(so);
    CHECK(SOCKET_I(ino) == so);
    CHECK(s.file_of(fd)->f_inode == ino);
    CHECK(ino->i_mode == 0140777);
    CHECK(ino->i_uid == 0);
    CHECK(ino->i_ino == sk->sk_ino);
    CHECK(reinterpret_cast<unsigned char*>(ino) - reinterpret_cast<unsigned char*>(so) ==
          static_cast<long>(offsetof(socket_alloc, vfs_inode)));
    CHECK(so->state == ss_unconnected);
    CHECK(so->type == sock_stream);

    const int u = s.socket(pf_unix, sock_dgram, 0);
    sock* usk = s.sk_of_fd(u);
    CHECK(usk->sk_prot()->contains(type_id<unix_sock>()));
    CHECK(!usk->sk_prot()->contains(type_id<inet_sock>()));
    CHECK(SOCKET_I(SOCK_INODE(s.socket_of(u))) == s.socket_of(u));
    CHECK(SOCK_INODE(s.socket_of(u))->i_ino == ino->i_ino + 1);
}
