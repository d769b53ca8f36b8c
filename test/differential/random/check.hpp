// test/differential/random/check.hpp: one sequence run on the kernel (at
// least twice) and on ksock, and what their observations say: agreement,
// kernel nondeterminism, a documented difference or a mismatch, with the
// signature that groups mismatches into distinct problems.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "../loopback/harness.hpp"

namespace ksock_random {

using ksock_loopback::seq_obs;
using ksock_loopback::sequence;

//! The first observation of a sequence where ksock differs from every
//! kernel run while the kernel runs agree (later differences are mostly
//! its consequences and are not judged).
struct finding {
    std::size_t step = 0;
    std::string call;       //!< the step as text
    std::string key;        //!< the observation ("ret", "h1.poll" ...)
    std::string kernel;     //!< the kernel's value
    std::string ksock;      //!< ksock's value
    std::string signature;  //!< op + observation + both values' kinds
    std::string documented; //!< the README item it falls under, or ""
};

struct verdict {
    long comparisons = 0; //!< observations compared
    long differing = 0;   //!< of which ksock matched no kernel run (any kind)
    long nondet = 0;      //!< observations on which the kernel runs disagreed
    int kernel_runs = 0;
    //! An observation where the kernel runs disagreed and ksock matched
    //! none of them: not counted as ksock's error; the first one.
    std::optional<finding> nondet_unmatched;
    //! Where the kernel runs disagreed first: key and values, for the report.
    std::string nondet_example;
    std::optional<finding> first;
    std::vector<seq_obs> kernel; //!< the kernel's runs
    seq_obs ksock;
};

//! Runs \p s on the kernel (twice, more when they disagree, at most four)
//! and once on ksock. \p next_index hands out the kernel runs' port and
//! name ranges.
verdict check(const sequence& s, int& next_index);

//! The README items ("Where ksock differs from Linux") a finding can fall
//! under, in the order they are tested.
const std::vector<std::string>& documented_items();

} // namespace ksock_random
