// ksock/policy/fault.hpp: fault injection as a policy (Linux's failslab /
// fail_page_alloc, at ksock's allocation points).
//
// A stack asks its fault policy before every allocation; a policy that says
// "fail" makes that allocation fail exactly as an exhausted pool would, so
// every error path can be driven on purpose: the socket pool (ENFILE, as
// sock_alloc), a proto pool (ENOMEM, as sk_alloc), the file pool (ENFILE, as
// alloc_empty_file) and the fd table (EMFILE: ksock's table never grows, so
// running out is the only way get_unused_fd_flags can fail). With no_faults
// (the default) the question is a constant false and costs nothing.
#pragma once

#include <concepts>
#include <cstdint>

namespace ksock {

//! The allocation points a fault policy is asked about.
enum class fault_site : std::uint8_t {
    sock_alloc, //!< socket_alloc from sockfs' pool
    sk_alloc,   //!< the proto's object
    file_alloc, //!< struct file
    fd_alloc,   //!< a descriptor slot
    skb_alloc,  //!< a socket buffer chunk
};

template <class F>
concept fault_policy = requires(F& f, fault_site s) {
    { F::enabled } -> std::convertible_to<bool>;
    { f.should_fail(s) } -> std::convertible_to<bool>;
};

//! No injected faults (the default).
struct no_faults {
    static constexpr bool enabled = false; //!< the stack may skip asking
    constexpr bool should_fail(fault_site) const noexcept { return false; } //!< never
};

//! Fails the nth allocation (1-based) counted from the last reset(), once;
//! n == 0 never fails. `count` says how many allocations were asked for, so a
//! test can run a call once to count its allocation points and then fail
//! each of them in turn.
struct fail_nth {
    static constexpr bool enabled = true; //!< the stack asks before every allocation
    unsigned long n = 0;                  //!< the allocation to fail, 1-based; 0 fails none
    unsigned long count = 0;              //!< allocations asked about since reset
    fault_site last_failed{};             //!< the site of the failed allocation
    bool failed = false;                  //!< the nth allocation was reached and failed

    //! Fail the \p nth allocation from now (0: none) and count from zero.
    constexpr void reset(unsigned long nth) noexcept {
        n = nth;
        count = 0;
        failed = false;
    }
    //! Count one allocation at \p s; true when it is the nth.
    constexpr bool should_fail(fault_site s) noexcept {
        if (++count != n)
            return false;
        failed = true;
        last_failed = s;
        return true;
    }
};

} // namespace ksock
