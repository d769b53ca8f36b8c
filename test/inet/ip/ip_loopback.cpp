// test/inet/ip/ip_loopback.cpp: the IP layer's control block fits skb->cb
// (48 bytes, 8-aligned), which inet_cb() assumes; inet/ip/ip_loopback.hpp
// asserts it on its own struct inside inet_cb. This checks the same property
// and that inet_cb is the skb's cb.
#include <doctest/doctest.h>

#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/objects/sk_buff.hpp>

#include "support/static_require.hpp"

using namespace ksock;
using namespace ksock::inet;

TEST_CASE("inet_skb_cb: fits skb->cb, and inet_cb is skb->cb") {
    STATIC_REQUIRE(sizeof(inet_skb_cb) <= sizeof(sk_buff::cb));
    STATIC_REQUIRE(alignof(inet_skb_cb) <= 8);
    static sk_buff skb{};
    inet_skb_cb& cb = inet_cb(skb);
    CHECK(static_cast<void*>(&cb) == static_cast<void*>(skb.cb));
    cb.sport = 0x1234;
    const sk_buff& c = skb;
    CHECK(inet_cb(c).sport == 0x1234);
}
