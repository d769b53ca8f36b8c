// test/differential/loopback/main.cpp: the loopback differential test
// (executable ksock_loopback_diff, ctest differential.loopback). Scripted
// socket sequences run on the host kernel over 127.0.0.1 and abstract
// AF_UNIX names, and on ksock; every step's observations must agree.
//
// Environment:
//   KSOCK_LOOPBACK_KERNEL_ONLY=1   run on the kernel only and print every
//                                  step's observations (what Linux does)
//   KSOCK_LOOPBACK_FILTER=text     only the sequences whose name contains text
//   KSOCK_LOOPBACK_VERBOSE=1       print both runs of every sequence
//   KSOCK_LOOPBACK_ALL_MISMATCHES=1  report every mismatch, not only the
//                                  first of each kind (call results, poll
//                                  masks, TCP states, local/peer addresses)
//                                  in each sequence
//   KSOCK_LOOPBACK_HOST_NETNS=1    stay in the host's network namespace
// doctest's own -tc= selects the families ("*tcp*", "*unix*", ...).
#include <doctest/doctest.h>

#include "harness.hpp"

namespace {

using namespace ksock_loopback;

// Sequence indices (ports, names) and the totals run on across the cases.
int next_index = 0;
tally total;

void family(const char* name, const std::vector<sequence>& seqs) {
    const tally t = run_family(name, seqs, next_index);
    total.sequences += t.sequences;
    total.steps += t.steps;
    total.comparisons += t.comparisons;
    total.mismatches += t.mismatches;
    total.kernel_unstable += t.kernel_unstable;
}

} // namespace

TEST_CASE("loopback: TCP over 127.0.0.1") {
    family("tcp", tcp_sequences());
}

TEST_CASE("loopback: UDP over 127.0.0.1") {
    family("udp", udp_sequences());
}

TEST_CASE("loopback: AF_UNIX, abstract names and socketpairs") {
    family("unix", unix_sequences());
}

TEST_CASE("loopback: ping and raw ICMP sockets") {
    family("raw", raw_sequences());
}

TEST_CASE("loopback: the socket layer and address checks across families") {
    family("socket", socket_sequences());
}

TEST_CASE("loopback: totals") {
    MESSAGE("loopback total: " << total.sequences << " sequences, " << total.steps << " steps, "
                               << total.comparisons << " step comparisons, " << total.mismatches
                               << " mismatches; " << total.kernel_unstable
                               << " sequences the kernel did not repeat exactly");
    CHECK(total.mismatches == 0);
}
