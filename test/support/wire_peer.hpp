// test/support/wire_peer.hpp: a scripted TCP peer on the virtual link of
// wire_fixture.hpp: the test writes the peer's segments by hand (from side
// a's address) and reads what stack b answers.
#pragma once

#include <cstddef>
#include <cstdint>

#include <doctest/doctest.h>

#include "support/wire_fixture.hpp"
#include "support/wire_frames.hpp"

namespace ksock_test {

//! A TCP segment stack b sent.
struct seen {
    std::uint8_t flags;
    std::uint32_t seq, ack;
    std::size_t len; //!< of its data
};

//! The peer, played by the test on side a's address: it sends segments to
//! stack b and takes every TCP segment b sends; nothing b sends reaches
//! stack a (unless first_port says which are the script's).
struct script {
    wire_pair& p;
    seen log[64] = {};
    std::size_t n = 0;
    //! Nonzero: only b's segments to peer ports from this one up are the
    //! script's; the rest reach stack a (a real client beside the script).
    unsigned first_port = 0;

    explicit script(wire_pair& pair) : p(pair) {
        p.w.drop = &take;
        p.w.drop_user = this;
    }
    static std::uint32_t be32(const unsigned char* x) {
        return std::uint32_t{x[0]} << 24 | std::uint32_t{x[1]} << 16 | std::uint32_t{x[2]} << 8 |
               x[3];
    }
    static bool take(void* user, int from, const unsigned char* f, std::size_t len) {
        if (from != 1)
            return false;
        auto& sc = *static_cast<script*>(user);
        if (len < 54 || f[12] != 0x08 || f[13] != 0 || f[14 + 9] != 6)
            return !sc.first_port; // (the neighbour is known already; its probes go nowhere)
        const std::size_t ihl = (f[14] & 0x0f) * 4u;
        const unsigned char* th = f + 14 + ihl;
        if (sc.first_port && static_cast<unsigned>(th[2] << 8 | th[3]) < sc.first_port)
            return false;
        const std::size_t tot = static_cast<std::size_t>(f[16] << 8 | f[17]);
        if (sc.n < 64)
            sc.log[sc.n++] = seen{th[13], be32(th + 4), be32(th + 8),
                                  tot - ihl - static_cast<std::size_t>(th[12] >> 4) * 4};
        return true;
    }
    const seen& last() const { return log[n - 1]; }

    //! A segment to b: \p sport -> \p dport, no options, \p len bytes.
    void send(unsigned sport, unsigned dport, std::uint32_t seq, std::uint32_t ack,
              std::uint8_t flags, unsigned win, std::size_t len = 0) {
        frame_buf f;
        eth_hdr(f, mac_b, mac_a, 0x0800);
        const std::size_t ip = ip_hdr(f, addr_a, addr_b, 6, 20 + len);
        const std::size_t th = f.n;
        f.u16(sport);
        f.u16(dport);
        f.u16(seq >> 16);
        f.u16(seq & 0xffff);
        f.u16(ack >> 16);
        f.u16(ack & 0xffff);
        f.u8(5 << 4);
        f.u8(flags);
        f.u16(win);
        f.u16(0);
        f.u16(0);
        for (std::size_t i = 0; i < len; ++i)
            f.u8(static_cast<unsigned>(seq + i)); // each byte says where it belongs
        std::uint32_t sum = 6 + static_cast<std::uint32_t>(20 + len);
        for (std::size_t i = 12; i < 20; i += 2)
            sum += static_cast<std::uint32_t>(f.b[ip + i] << 8 | f.b[ip + i + 1]);
        const std::uint16_t c = inet_csum(f.b + th, 20 + len, sum);
        f.b[th + 16] = static_cast<unsigned char>(c >> 8);
        f.b[th + 17] = static_cast<unsigned char>(c);
        REQUIRE(p.w.inject(1, f.b, f.n));
    }
};

} // namespace ksock_test
