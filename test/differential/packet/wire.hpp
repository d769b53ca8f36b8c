// test/differential/packet/wire.hpp: IPv4 + TCP as bytes. Builds the
// packets a script sends (with correct header and TCP checksums) and
// decodes, checking every length and checksum, the packets a host sends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "script.hpp"

namespace ksock_packet {

//! A TCP segment with absolute numbers, as it is on the wire.
struct wire_tcp {
    std::uint32_t src_ip = 0, dst_ip = 0; //!< host order
    std::uint16_t src_port = 0, dst_port = 0;
    std::uint32_t seq = 0, ack = 0;
    std::uint8_t flags = 0;
    std::uint16_t win = 0, urg = 0;
    std::vector<tcp_option> options; //!< absolute sack blocks and TS values
    std::vector<std::uint8_t> payload;
    std::uint8_t ttl = 64, tos = 0;
    bool df = false;
};

//! The IPv4 packet for seg (header checksum and TCP checksum filled in).
std::vector<std::uint8_t> build_ipv4(const wire_tcp& seg);

//! What decoding a packet the host sent found.
struct decoded {
    bool ipv4 = false; //!< false: not IPv4 (ignored)
    bool tcp = false;  //!< false: IPv4 but not TCP (ignored, counted)
    std::string error; //!< a malformed packet: bad lengths, checksums, options
    wire_tcp seg;
};
decoded parse_ipv4(const std::uint8_t* p, std::size_t n);

//! The internet checksum over data (with an initial sum), folded.
std::uint16_t inet_checksum(const std::uint8_t* p, std::size_t n, std::uint32_t sum = 0);

std::string ip_to_string(std::uint32_t ip);

} // namespace ksock_packet
