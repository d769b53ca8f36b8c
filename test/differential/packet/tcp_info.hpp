// test/differential/packet/tcp_info.hpp: struct tcp_info as Linux 6.18's uapi
// lays it out (the host's headers may be older), and the table of the
// fields the "%{ assert ... }%" language may name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace ksock_packet {

struct tcp_info_618 {
    std::uint8_t tcpi_state, tcpi_ca_state, tcpi_retransmits, tcpi_probes, tcpi_backoff,
        tcpi_options;
    std::uint8_t wscale; //!< tcpi_snd_wscale : 4 (low bits), tcpi_rcv_wscale : 4
    std::uint8_t app_limited_fastopen;
    std::uint32_t tcpi_rto, tcpi_ato, tcpi_snd_mss, tcpi_rcv_mss;
    std::uint32_t tcpi_unacked, tcpi_sacked, tcpi_lost, tcpi_retrans, tcpi_fackets;
    std::uint32_t tcpi_last_data_sent, tcpi_last_ack_sent, tcpi_last_data_recv, tcpi_last_ack_recv;
    std::uint32_t tcpi_pmtu, tcpi_rcv_ssthresh, tcpi_rtt, tcpi_rttvar, tcpi_snd_ssthresh,
        tcpi_snd_cwnd, tcpi_advmss, tcpi_reordering;
    std::uint32_t tcpi_rcv_rtt, tcpi_rcv_space;
    std::uint32_t tcpi_total_retrans;
    std::uint64_t tcpi_pacing_rate, tcpi_max_pacing_rate, tcpi_bytes_acked, tcpi_bytes_received;
    std::uint32_t tcpi_segs_out, tcpi_segs_in;
    std::uint32_t tcpi_notsent_bytes, tcpi_min_rtt, tcpi_data_segs_in, tcpi_data_segs_out;
    std::uint64_t tcpi_delivery_rate;
    std::uint64_t tcpi_busy_time, tcpi_rwnd_limited, tcpi_sndbuf_limited;
    std::uint32_t tcpi_delivered, tcpi_delivered_ce;
    std::uint64_t tcpi_bytes_sent, tcpi_bytes_retrans;
    std::uint32_t tcpi_dsack_dups, tcpi_reord_seen;
    std::uint32_t tcpi_rcv_ooopack;
    std::uint32_t tcpi_snd_wnd, tcpi_rcv_wnd;
    std::uint32_t tcpi_rehash;
    std::uint16_t tcpi_total_rto, tcpi_total_rto_recoveries;
    std::uint32_t tcpi_total_rto_time;
};
static_assert(offsetof(tcp_info_618, tcpi_rto) == 8);
static_assert(offsetof(tcp_info_618, tcpi_pacing_rate) == 104);
static_assert(offsetof(tcp_info_618, tcpi_delivered) == 192);
static_assert(offsetof(tcp_info_618, tcpi_snd_wnd) == 228);
static_assert(sizeof(tcp_info_618) == 248);

//! A field the assertions may read: its name, where it lives, and its size
//! (0 and 1 for the two 4-bit window scales).
struct tcp_info_field {
    std::string_view name;
    std::size_t offset;
    std::size_t size; //!< 1, 2, 4, 8; 0xF0 / 0x0F for the wscale nibbles
};

#define KSOCK_TCPI(f)                                                                              \
    tcp_info_field {                                                                               \
#f, offsetof(tcp_info_618, f), sizeof(tcp_info_618::f)                                     \
    }
inline constexpr tcp_info_field tcp_info_fields[] = {
    KSOCK_TCPI(tcpi_state),
    KSOCK_TCPI(tcpi_ca_state),
    KSOCK_TCPI(tcpi_retransmits),
    KSOCK_TCPI(tcpi_probes),
    KSOCK_TCPI(tcpi_backoff),
    KSOCK_TCPI(tcpi_options),
    {"tcpi_snd_wscale", 6, 0x0F},
    {"tcpi_rcv_wscale", 6, 0xF0},
    KSOCK_TCPI(tcpi_rto),
    KSOCK_TCPI(tcpi_ato),
    KSOCK_TCPI(tcpi_snd_mss),
    KSOCK_TCPI(tcpi_rcv_mss),
    KSOCK_TCPI(tcpi_unacked),
    KSOCK_TCPI(tcpi_sacked),
    KSOCK_TCPI(tcpi_lost),
    KSOCK_TCPI(tcpi_retrans),
    KSOCK_TCPI(tcpi_fackets),
    KSOCK_TCPI(tcpi_last_data_sent),
    KSOCK_TCPI(tcpi_last_ack_sent),
    KSOCK_TCPI(tcpi_last_data_recv),
    KSOCK_TCPI(tcpi_last_ack_recv),
    KSOCK_TCPI(tcpi_pmtu),
    KSOCK_TCPI(tcpi_rcv_ssthresh),
    KSOCK_TCPI(tcpi_rtt),
    KSOCK_TCPI(tcpi_rttvar),
    KSOCK_TCPI(tcpi_snd_ssthresh),
    KSOCK_TCPI(tcpi_snd_cwnd),
    KSOCK_TCPI(tcpi_advmss),
    KSOCK_TCPI(tcpi_reordering),
    KSOCK_TCPI(tcpi_rcv_rtt),
    KSOCK_TCPI(tcpi_rcv_space),
    KSOCK_TCPI(tcpi_total_retrans),
    KSOCK_TCPI(tcpi_bytes_acked),
    KSOCK_TCPI(tcpi_bytes_received),
    KSOCK_TCPI(tcpi_segs_out),
    KSOCK_TCPI(tcpi_segs_in),
    KSOCK_TCPI(tcpi_notsent_bytes),
    KSOCK_TCPI(tcpi_min_rtt),
    KSOCK_TCPI(tcpi_data_segs_in),
    KSOCK_TCPI(tcpi_data_segs_out),
    KSOCK_TCPI(tcpi_delivered),
    KSOCK_TCPI(tcpi_delivered_ce),
    KSOCK_TCPI(tcpi_bytes_sent),
    KSOCK_TCPI(tcpi_bytes_retrans),
    KSOCK_TCPI(tcpi_dsack_dups),
    KSOCK_TCPI(tcpi_reord_seen),
    KSOCK_TCPI(tcpi_rcv_ooopack),
    KSOCK_TCPI(tcpi_snd_wnd),
    KSOCK_TCPI(tcpi_rcv_wnd),
    KSOCK_TCPI(tcpi_rehash),
    KSOCK_TCPI(tcpi_total_rto),
    KSOCK_TCPI(tcpi_total_rto_recoveries),
    KSOCK_TCPI(tcpi_total_rto_time),
};
#undef KSOCK_TCPI

inline const tcp_info_field* find_tcp_info_field(std::string_view name) {
    for (const auto& f : tcp_info_fields)
        if (f.name == name)
            return &f;
    return nullptr;
}

//! Reads a field from the bytes getsockopt(TCP_INFO) returned; nullopt when
//! the kernel reported fewer bytes than the field needs.
inline std::optional<std::uint64_t>
read_tcp_info_field(const tcp_info_field& f, const unsigned char* bytes, std::size_t len) {
    const std::size_t need = f.offset + (f.size > 8 ? 1 : f.size == 0 ? 1 : f.size);
    if (len < need)
        return std::nullopt;
    if (f.size == 0x0F)
        return bytes[f.offset] & 0x0F;
    if (f.size == 0xF0)
        return bytes[f.offset] >> 4;
    std::uint64_t v = 0;
    switch (f.size) {
    case 1:
        v = bytes[f.offset];
        break;
    case 2: {
        std::uint16_t x;
        std::memcpy(&x, bytes + f.offset, 2);
        v = x;
        break;
    }
    case 4: {
        std::uint32_t x;
        std::memcpy(&x, bytes + f.offset, 4);
        v = x;
        break;
    }
    default:
        std::memcpy(&v, bytes + f.offset, 8);
        break;
    }
    return v;
}

} // namespace ksock_packet
