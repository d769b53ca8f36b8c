// test/differential/packet/runner.hpp: plays a parsed script against a
// backend and compares what the host does with what the script says.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backend.hpp"
#include "script.hpp"

namespace ksock_packet {

struct run_options {
    usec tolerance = 25000; //!< timing slack for the host (± this much)
    //! An outbound packet may come this much later still, in thousandths of
    //! the time since the previous event: Linux's timer wheel fires a
    //! timeout of t up to t/8 late (HZ-grained levels, 8 times coarser each).
    //! 0 for a host in virtual time.
    int slack_per_mille = 125;
    usec max_wait = 10000000; //!< the longest "*" or blocking wait
    bool trace = false;       //!< print every event as it happens (stderr)
};

struct run_counts {
    long packets_in = 0, packets_out = 0, calls = 0, comparisons = 0, asserts = 0;
};

struct run_result {
    enum class status : std::uint8_t { pass, fail, skip };
    status st = status::pass;
    bool timing_only = false; //!< the failure was a time outside the tolerance
    std::string message;      //!< "line 12: expected ..., got ..." or the skip reason
    run_counts counts;
};

//! Opens the backend with the script's sysctls, then plays every event; stops
//! at the first mismatch.
run_result run_script(const script& s, backend& b, const run_options& opt);

} // namespace ksock_packet
