// test/differential/random/shrink.hpp: delta debugging of a mismatching
// sequence down to a minimal one that still mismatches the kernel.
#pragma once

#include <string>

#include "check.hpp"

namespace ksock_random {

struct shrunk {
    sequence s;
    verdict v;              //!< its last check (v.first is the finding)
    int evaluations = 0;    //!< candidate sequences run
    bool exhausted = false; //!< stopped by the budget, not at a fixpoint
};

//! Drops steps (ddmin: halves, then smaller chunks, then one by one) and
//! simplifies what remains (shorter data, fewer flags, smaller buffers,
//! fewer passed fds, plain addresses), keeping a candidate only when its
//! first finding has the same signature and category as \p target's: a
//! reproducer of this problem, not of another one found on the way. At
//! most \p budget candidates run (each: the kernel twice, ksock once).
shrunk shrink(const sequence& s, const verdict& target, int& next_index, int budget);

} // namespace ksock_random
