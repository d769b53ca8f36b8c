// with_index<0>: a dispatch over no alternatives has no index to call; a
// registry without entries would otherwise dispatch into nothing.
// EXPECT: ksock::detail::with_index: needs at least one alternative
#include <cstddef>

#include <ksock/detail/with_index.hpp>

int f(std::size_t i) {
    return ksock::detail::with_index<0>(i, []<std::size_t I>() { return static_cast<int>(I); });
}
