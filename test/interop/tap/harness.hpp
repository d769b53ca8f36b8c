// test/interop/tap/harness.hpp: what every program of the TAP interop suite
// runs its cases with: the tally of comparisons (each failure printed with
// the case it belongs to) and the pump that runs the link, ksock in virtual
// time, the kernel on the wall clock.
#pragma once

#include <cstdio>
#include <functional>
#include <poll.h>
#include <string>

#include "sides.hpp"

namespace tap_interop {

//! The comparisons of one program, and the case running.
struct tally {
    unsigned long cases = 0, comparisons = 0, failures = 0;
    const char* current = "";
};
inline tally results;

inline void check(bool ok, const std::string& what) {
    ++results.comparisons;
    if (!ok) {
        ++results.failures;
        std::printf("FAIL [%s] %s\n", results.current, what.c_str());
    }
}
inline void same(long a, long b, const std::string& what) {
    check(a == b, what + ": " + std::to_string(a) + " vs " + std::to_string(b));
}

//! Run the link: the kernel's frames into ksock, ksock's clock 1 ms a
//! round, until \p done or \p rounds rounds. \p real: wait up to 1 ms of
//! real time a round for the kernel when nothing came (its timers run on
//! the wall clock). \p each: called after every poll (a sniffer's drain).
inline bool pump(tap_stack& s, const std::function<bool()>& done, int rounds, bool real = true,
                 const std::function<void()>& each = nullptr) {
    const int fd = s.device<lossy_tap>().fd();
    for (int i = 0; i < rounds; ++i) {
        s.advance(0);
        if (each)
            each();
        if (done())
            return true;
        pollfd p{fd, POLLIN, 0};
        ::poll(&p, 1, real ? 1 : 0);
        s.advance(1);
    }
    s.advance(0);
    if (each)
        each();
    return done();
}

} // namespace tap_interop
