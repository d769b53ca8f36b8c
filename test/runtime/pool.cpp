// test/runtime/pool.cpp: ksock::pool, the slab cache of a proto (runtime/pool.hpp):
// nothing before create(), lowest free slot first, zeroed on alloc, left as
// it was on take, exhaustion, free and reuse, the bitmap checks, and that a
// constinit pool is all zero (so it lands in .bss).
#include <cstddef>
#include <cstdint>

#include <doctest/doctest.h>

#include <ksock/runtime/pool.hpp>

#include "support/static_require.hpp"

namespace {

struct obj {
    int a;
    std::uint64_t b;
};

// Crosses a word of the used bitmap on every target (64 or 32 bits).
using big_pool = ksock::pool<obj, 70>;
constinit big_pool g_pool;

//! alloc, free and alloc again, as a constant expression.
constexpr bool constexpr_round_trip() {
    ksock::pool<obj, 3> p;
    if (p.alloc() != nullptr || p.in_use() != 0 || !p.unused())
        return false; // not created yet
    p.create();
    obj* x = p.alloc();
    obj* y = p.alloc();
    if (p.in_use() != 2 || p.index_of(x) != 0 || p.index_of(y) != 1)
        return false;
    p.free(x);
    obj* z = p.alloc(); // the lowest free slot: x's
    return z == x && p.in_use() == 2 && p.consistent() && !p.unused();
}

} // namespace

TEST_CASE("pool: lowest free slot first, zeroed, until full") {
    ksock::pool<obj, 4> p;
    CHECK(p.alloc() == nullptr); // kmem_cache_create has not run
    CHECK_FALSE(p.created());
    CHECK(p.consistent());
    p.create();
    CHECK(p.created());
    CHECK(p.available() == 4);
    obj* s[4];
    for (int i = 0; i < 4; ++i) {
        s[i] = p.alloc();
        REQUIRE(s[i] != nullptr);
        CHECK(p.index_of(s[i]) == static_cast<std::size_t>(i));
        s[i]->a = 7;
        s[i]->b = 9;
    }
    CHECK(p.alloc() == nullptr);
    CHECK(p.in_use() == 4);
    CHECK(p.available() == 0);
    p.free(s[2]);
    CHECK(p.live(2) == false);
    obj* again = p.alloc();
    CHECK(again == s[2]);
    CHECK(again->a == 0); // zeroed, as kmem_cache_zalloc
    CHECK(again->b == 0);
    CHECK(p.consistent());
    // take() hands the slot out as it was left: its caller writes it all.
    again->a = 5;
    p.free(again);
    CHECK(p.take_index() == 2);
    CHECK(p.slot(2).a == 5);
    CHECK(p.take() == nullptr);
    CHECK(p.take_index() == p.none);
    for (obj* o : s)
        p.free(o);
    CHECK(p.unused());
    CHECK(p.in_use() == 0);
}

TEST_CASE("pool: a pool wider than one bitmap word") {
    big_pool p;
    p.create();
    for (std::size_t i = 0; i < big_pool::capacity; ++i)
        REQUIRE(p.alloc() == &p.slot(i));
    CHECK(p.alloc() == nullptr);
    p.free(&p.slot(65));
    CHECK(p.alloc() == &p.slot(65));
    CHECK(p.consistent());
    CHECK(p.owns(&p.slot(69)));
    CHECK_FALSE(p.owns(reinterpret_cast<const unsigned char*>(&p.slot(1)) + 1));
    CHECK_FALSE(p.live(70)); // past the end: never live
}

TEST_CASE("pool: constexpr and constinit") {
    STATIC_REQUIRE(constexpr_round_trip());
    CHECK(g_pool.in_use() == 0);
    CHECK(g_pool.consistent());
    CHECK(g_pool.alloc() == nullptr);
}
