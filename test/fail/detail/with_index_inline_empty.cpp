// with_index_inline<0>: the inlined dispatch refuses an empty set of
// alternatives like the out-of-line one.
// EXPECT: ksock::detail::with_index_inline: needs at least one alternative
#include <cstddef>

#include <ksock/detail/with_index.hpp>

int f(std::size_t i) {
    return ksock::detail::with_index_inline<0>(i,
                                               []<std::size_t I>() { return static_cast<int>(I); });
}
