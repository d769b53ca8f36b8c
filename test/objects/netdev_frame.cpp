// test/objects/netdev_frame.cpp: the gather view a driver's start_xmit gets:
// the hard header, then the skb chain's bytes, as runs and as one copy.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/objects/sk_buff.hpp>

TEST_CASE("netdev_frame: header and chain, run by run and copied") {
    using namespace ksock;
    unsigned char a[8], b[8];
    for (int i = 0; i < 8; ++i) {
        a[i] = static_cast<unsigned char>(0x10 + i);
        b[i] = static_cast<unsigned char>(0x20 + i);
    }
    sk_buff s2{};
    s2.head = b;
    s2.cap = 8;
    s2.len = 8;
    sk_buff s1{};
    s1.head = a;
    s1.cap = 8;
    s1.len = 8;
    s1.frag_next = &s2;
    s1.msg_len = 16;
    const unsigned char hh[3] = {0xa0, 0xa1, 0xa2};

    SUBCASE("the whole chain") {
        const netdev_frame f(hh, 3, &s1, 16);
        CHECK(f.len() == 19);
        CHECK(f.header_len() == 3);
        std::size_t runs = 0, total = 0;
        f.for_each_run([&](const unsigned char* p, std::size_t n) {
            CHECK(p == (runs == 0 ? hh : runs == 1 ? a : b));
            ++runs;
            total += n;
        });
        CHECK(runs == 3);
        CHECK(total == 19);
        unsigned char out[32] = {};
        CHECK(f.copy_to(out, sizeof out) == 19);
        CHECK(out[0] == 0xa0);
        CHECK(out[3] == 0x10);
        CHECK(out[11] == 0x20);
        CHECK(out[18] == 0x27);
        CHECK(f.at(0) == 0xa0);
        CHECK(f.at(12) == 0x21);
        CHECK(f.at(19) == 0);
        // A short buffer takes what fits.
        unsigned char small[5] = {};
        CHECK(f.copy_to(small, sizeof small) == 5);
        CHECK(small[4] == 0x11);
    }
    SUBCASE("a packet shorter than its chain, no header") {
        const netdev_frame f(nullptr, 0, &s1, 10);
        CHECK(f.len() == 10);
        std::size_t runs = 0;
        f.for_each_run([&](const unsigned char*, std::size_t n) {
            CHECK(n == (runs == 0 ? 8u : 2u));
            ++runs;
        });
        CHECK(runs == 2);
    }
}

TEST_CASE("sk_buff: skb_copy_bits and skb_store_bits across chunks (the drivers' helpers)") {
    using namespace ksock;
    unsigned char a[4] = {}, b[4] = {};
    sk_buff s2{};
    s2.head = b;
    s2.cap = s2.len = 4;
    sk_buff s1{};
    s1.head = a;
    s1.cap = s1.len = 4;
    s1.frag_next = &s2;
    const unsigned char in[6] = {1, 2, 3, 4, 5, 6};
    skb_store_bits(&s1, 1, in, 6);
    CHECK(a[1] == 1);
    CHECK(a[3] == 3);
    CHECK(b[0] == 4);
    CHECK(b[2] == 6);
    unsigned char out[6] = {};
    skb_copy_bits(&s1, 1, out, 6);
    CHECK(std::memcmp(in, out, 6) == 0);
}
