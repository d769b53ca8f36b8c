// test/support/wire_frames.hpp: frames a test puts on a virtual link by
// hand (a scripted or hostile peer): Ethernet, ARP, IPv4 with or without
// options, UDP and ICMP, each field settable, checksums right unless asked
// otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ksock_test {

struct frame_buf {
    unsigned char b[1518];
    std::size_t n = 0;

    void put(const void* p, std::size_t k) noexcept {
        if (k) // an empty payload may be a null pointer: memcpy must not see it
            std::memcpy(b + n, p, k);
        n += k;
    }
    void u8(unsigned v) noexcept { b[n++] = static_cast<unsigned char>(v); }
    void u16(unsigned v) noexcept {
        u8(v >> 8);
        u8(v);
    }
    void u32be(std::uint32_t network_order) noexcept { put(&network_order, 4); }
    void zeros(std::size_t k) noexcept {
        std::memset(b + n, 0, k);
        n += k;
    }
};

//! The Internet checksum of \p n bytes (plus \p sum).
inline std::uint16_t inet_csum(const unsigned char* p, std::size_t n, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i + 1 < n; i += 2)
        sum += static_cast<std::uint32_t>((p[i] << 8) | p[i + 1]);
    if (n & 1)
        sum += static_cast<std::uint32_t>(p[n - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

//! Set the ECN field of the TOS byte of Ethernet frame \p f (\p n bytes)
//! that carries IPv4 to \p ecn, its header checksum made right again: a
//! router's CE mark. False, and nothing changed, for any other frame.
inline bool ip_set_ecn(unsigned char* f, std::size_t n, unsigned ecn) {
    if (n < 34 || f[12] != 0x08 || f[13] != 0)
        return false;
    const std::size_t ihl = (f[14] & 0x0fu) * 4u;
    if (ihl < 20 || 14 + ihl > n)
        return false;
    f[15] = static_cast<unsigned char>((f[15] & ~3u) | (ecn & 3u));
    f[24] = f[25] = 0;
    const std::uint16_t c = inet_csum(f + 14, ihl);
    f[24] = static_cast<unsigned char>(c >> 8);
    f[25] = static_cast<unsigned char>(c);
    return true;
}

inline void eth_hdr(frame_buf& f, const unsigned char* dst, const unsigned char* src,
                    unsigned type) {
    f.put(dst, 6);
    f.put(src, 6);
    f.u16(type);
}

//! An ARP packet for IPv4 over Ethernet (addresses in network order).
inline void arp_pkt(frame_buf& f, unsigned op, const unsigned char* sha, std::uint32_t sip,
                    const unsigned char* tha, std::uint32_t tip, unsigned hrd = 1,
                    unsigned pro = 0x0800, unsigned hln = 6, unsigned pln = 4) {
    f.u16(hrd);
    f.u16(pro);
    f.u8(hln);
    f.u8(pln);
    f.u16(op);
    f.put(sha, 6);
    f.u32be(sip);
    f.put(tha, 6);
    f.u32be(tip);
}

struct ip_opts {
    unsigned version = 4;
    unsigned ihl_words = 0; //!< 0: from the options
    const unsigned char* options = nullptr;
    std::size_t options_len = 0;
    unsigned frag = 0; //!< flags and offset word
    unsigned id = 0x1234;
    unsigned ttl = 64;
    unsigned tot_len = 0; //!< 0: the real one
    bool bad_csum = false;
};

//! An IPv4 header for \p payload_len bytes of \p proto; returns where it starts.
inline std::size_t ip_hdr(frame_buf& f, std::uint32_t src, std::uint32_t dst, unsigned proto,
                          std::size_t payload_len, const ip_opts& o = {}) {
    const std::size_t at = f.n;
    const std::size_t hl = 20 + o.options_len;
    const unsigned ihl = o.ihl_words ? o.ihl_words : static_cast<unsigned>(hl / 4);
    f.u8((o.version << 4) | ihl);
    f.u8(0);
    f.u16(o.tot_len ? o.tot_len : static_cast<unsigned>(hl + payload_len));
    f.u16(o.id);
    f.u16(o.frag);
    f.u8(o.ttl);
    f.u8(proto);
    f.u16(0);
    f.u32be(src);
    f.u32be(dst);
    if (o.options_len)
        f.put(o.options, o.options_len);
    std::uint16_t c = inet_csum(f.b + at, hl);
    if (o.bad_csum)
        c ^= 0x1234;
    f.b[at + 10] = static_cast<unsigned char>(c >> 8);
    f.b[at + 11] = static_cast<unsigned char>(c);
    return at;
}

//! A UDP header and payload, checksummed over the pseudo-header (or with
//! \p check given as it is).
inline void udp_pkt(frame_buf& f, std::uint32_t src, std::uint32_t dst, unsigned sport,
                    unsigned dport, const void* data, std::size_t len, int check = -1,
                    unsigned ulen = 0) {
    const std::size_t at = f.n;
    f.u16(sport);
    f.u16(dport);
    f.u16(ulen ? ulen : static_cast<unsigned>(8 + len));
    f.u16(0);
    f.put(data, len);
    if (check >= 0) {
        f.b[at + 6] = static_cast<unsigned char>(check >> 8);
        f.b[at + 7] = static_cast<unsigned char>(check);
        return;
    }
    unsigned char ph[12];
    std::memcpy(ph, &src, 4);
    std::memcpy(ph + 4, &dst, 4);
    ph[8] = 0;
    ph[9] = 17;
    ph[10] = static_cast<unsigned char>((8 + len) >> 8);
    ph[11] = static_cast<unsigned char>(8 + len);
    std::uint32_t sum = 0;
    for (int i = 0; i < 12; i += 2)
        sum += static_cast<std::uint32_t>((ph[i] << 8) | ph[i + 1]);
    std::uint16_t c = inet_csum(f.b + at, 8 + len, sum);
    if (!c)
        c = 0xffff;
    f.b[at + 6] = static_cast<unsigned char>(c >> 8);
    f.b[at + 7] = static_cast<unsigned char>(c);
}

//! An ICMP message of \p type / \p code with id, sequence and data.
inline void icmp_pkt(frame_buf& f, unsigned type, unsigned code, unsigned id, unsigned seq,
                     const void* data, std::size_t len, bool bad_csum = false) {
    const std::size_t at = f.n;
    f.u8(type);
    f.u8(code);
    f.u16(0);
    f.u16(id);
    f.u16(seq);
    f.put(data, len);
    std::uint16_t c = inet_csum(f.b + at, 8 + len);
    if (bad_csum)
        c ^= 0x4321;
    f.b[at + 2] = static_cast<unsigned char>(c >> 8);
    f.b[at + 3] = static_cast<unsigned char>(c);
}

} // namespace ksock_test
