// test/detail/with_index.cpp: a run-time index turned into a compile-time one
// (detail/with_index.hpp), for one alternative, for a chunk of 16, across
// chunks, and inlined.
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/detail/with_index.hpp>

#include "support/static_require.hpp"

namespace {

//! Calls every index of [0, N) through with_index and checks it arrives.
template <std::size_t N>
constexpr bool every_index_arrives() {
    for (std::size_t i = 0; i < N; ++i)
        if (ksock::detail::with_index<N>(i, []<std::size_t I>() { return I; }) != i)
            return false;
    return true;
}

} // namespace

TEST_CASE("with_index: every index reaches its case") {
    STATIC_REQUIRE(every_index_arrives<1>());
    STATIC_REQUIRE(every_index_arrives<16>()); // one chunk
    STATIC_REQUIRE(every_index_arrives<17>()); // into the second chunk
    STATIC_REQUIRE(every_index_arrives<40>()); // three chunks
}

TEST_CASE("with_index: run time, and the inlined form") {
    volatile std::size_t i = 33;
    CHECK(ksock::detail::with_index<40>(i, []<std::size_t I>() { return I * 2; }) == 66);
    CHECK(ksock::detail::with_index_inline<40>(i, []<std::size_t I>() { return I + 1; }) == 34);
    // One alternative: no switch, the index is not even read.
    CHECK(ksock::detail::with_index<1>(0, []<std::size_t I>() { return I + 5; }) == 5);
}
