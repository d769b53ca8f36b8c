// ksock/detail/with_index.hpp: turn a run-time index into a compile-time one
// through a real `switch` (the dispatch of fd operations to ops types).
//
// The switch is unrolled 16 cases at a time (Mp11's mp_with_index idea):
// each case calls f.template operator()<I>() directly, so the compiler sees
// every callee, can inline it, and emits a jump table; no function pointer is
// ever formed. With N == 1 there is no switch at all: the only entry is
// called unconditionally (a valid index can only be 0).
#pragma once

#include <cstddef>

#include <ksock/platform.hpp>

namespace ksock::detail {

// The switch, written once: each case calls f.template operator()<I>();
// past the 16th case it goes on in the next chunk (CALL names the member).
#define KSOCK_WITH_INDEX_SWITCH(CALL)                                                              \
    switch (i - Base) {                                                                            \
        KSOCK_CASE(0)                                                                              \
        KSOCK_CASE(1)                                                                              \
        KSOCK_CASE(2)                                                                              \
        KSOCK_CASE(3)                                                                              \
        KSOCK_CASE(4)                                                                              \
        KSOCK_CASE(5)                                                                              \
        KSOCK_CASE(6)                                                                              \
        KSOCK_CASE(7)                                                                              \
        KSOCK_CASE(8)                                                                              \
        KSOCK_CASE(9)                                                                              \
        KSOCK_CASE(10)                                                                             \
        KSOCK_CASE(11)                                                                             \
        KSOCK_CASE(12)                                                                             \
        KSOCK_CASE(13)                                                                             \
        KSOCK_CASE(14)                                                                             \
        KSOCK_CASE(15)                                                                             \
    default:                                                                                       \
        if constexpr (Base + 16 < N)                                                               \
            return with_index_impl<N, Base + 16>::CALL(i, static_cast<F&&>(f));                    \
        else                                                                                       \
            KSOCK_UNREACHABLE();                                                                   \
    }
#define KSOCK_CASE(k)                                                                              \
    case k:                                                                                        \
        if constexpr (Base + k < N)                                                                \
            return f.template operator()<Base + k>();                                              \
        else                                                                                       \
            KSOCK_UNREACHABLE();

template <std::size_t N, std::size_t Base = 0>
struct with_index_impl {
    template <class F>
    static constexpr decltype(auto) call(std::size_t i, F&& f) {
        KSOCK_WITH_INDEX_SWITCH(call)
    }
    //! The same switch, always inlined into the caller: for the dispatch of
    //! an operation to its ops, where building the closure on the stack and
    //! reloading every argument through it would cost more than the switch.
    template <class F>
    KSOCK_ALWAYS_INLINE static constexpr decltype(auto) call_inline(std::size_t i, F&& f) {
        KSOCK_WITH_INDEX_SWITCH(call_inline)
    }
};
#undef KSOCK_CASE
#undef KSOCK_WITH_INDEX_SWITCH

//! Calls f.template operator()<I>() with I == i. Precondition: i < N.
template <std::size_t N, class F>
constexpr decltype(auto) with_index(std::size_t i, F&& f) {
    static_assert(N > 0, "ksock::detail::with_index: needs at least one alternative");
    if constexpr (N == 1) {
        (void)i;
        return f.template operator()<0>();
    } else {
        return with_index_impl<N>::call(i, static_cast<F&&>(f));
    }
}

//! with_index, always inlined.
template <std::size_t N, class F>
KSOCK_ALWAYS_INLINE constexpr decltype(auto) with_index_inline(std::size_t i, F&& f) {
    static_assert(N > 0, "ksock::detail::with_index_inline: needs at least one alternative");
    if constexpr (N == 1) {
        (void)i;
        return f.template operator()<0>();
    } else {
        return with_index_impl<N>::call_inline(i, static_cast<F&&>(f));
    }
}

} // namespace ksock::detail
