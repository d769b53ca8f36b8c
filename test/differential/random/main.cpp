// test/differential/random/main.cpp: the seeded random differential
// (executable ksock_random_diff, ctest differential.random). Sequences of
// random socket calls, generated from a seed, run on the host kernel (in a
// private network namespace, twice or more) and on ksock; after every step
// the call's results and, for every open socket, the poll mask (with
// POLLRDHUP), SIOCINQ, SIOCOUTQ, the TCP state and both names are compared.
// SO_ERROR is not probed: reading it clears it, which would change what the
// next call returns (a pending error reported first); the generator reads
// it as a step of its own instead, the same on both sides.
//
// Every sequence's first mismatch is grouped by its signature; the first
// sequence of each signature is shrunk to a minimal reproducer, printed
// with both sides' results and a replay line. Mismatches that README.md
// lists under "Where ksock differs from Linux" are counted apart. The test
// fails on any other signature, except those KSOCK_RANDOM_EXPECT lists.
//
// Environment:
//   KSOCK_RANDOM_SEED=n           the run's seed (default 1); sequence i of a
//                                 seed is always the same
//   KSOCK_RANDOM_SEQUENCES=n      how many sequences (default 2000)
//   KSOCK_RANDOM_STEPS=n          about how many steps each (default 30)
//   KSOCK_RANDOM_SHRINK=n         candidate runs the shrinker may make per
//                                 distinct problem (default 300; 0: no
//                                 shrinking)
//   KSOCK_RANDOM_MAX_SECONDS=n    stop starting sequences after n seconds
//                                 (default 1200: a bound, not a budget)
//   KSOCK_RANDOM_REPLAY=text      run one sequence and print both sides: text
//                                 is "seed:index" or a "v1;..." line as the
//                                 report prints it; the sequence is shrunk
//                                 again when it mismatches
//   KSOCK_RANDOM_EXPECT=list      signatures known to be open, separated by
//                                 newlines or ';;', or the path of a file
//                                 with one per line ('#' comments): found,
//                                 they are reported but do not fail the test
//   KSOCK_RANDOM_VERBOSE=1        print every sequence's finding
//   KSOCK_LOOPBACK_HOST_NETNS=1   stay in the host's network namespace
//                                 (see ../loopback/kernel_backend.cpp)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "../loopback/backends.hpp"
#include "check.hpp"
#include "generator.hpp"
#include "shrink.hpp"

namespace {

using namespace ksock_random;
using ksock_loopback::field;
using ksock_loopback::step_obs;
using clk = std::chrono::steady_clock;

long env_long(const char* name, long def) {
    const char* v = std::getenv(name);
    if (!v || !*v)
        return def;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 0);
    return end && *end == '\0' ? n : def;
}

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    const auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

//! KSOCK_RANDOM_EXPECT: a file with one signature a line, or the list itself.
std::vector<std::string> expected() {
    std::vector<std::string> out;
    const char* v = std::getenv("KSOCK_RANDOM_EXPECT");
    if (!v || !*v)
        return out;
    std::string text = v;
    if (std::ifstream f{text}; f) {
        std::stringstream ss;
        ss << f.rdbuf();
        text = ss.str();
    } else {
        for (std::size_t p; (p = text.find(";;")) != std::string::npos;)
            text.replace(p, 2, "\n");
    }
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        line = trim(line);
        if (!line.empty() && line[0] != '#')
            out.push_back(line);
    }
    return out;
}

//! The call's own results of a step (the probes left out).
std::string results(const step_obs& st) {
    std::string out;
    for (const field& f : st.fields)
        if (f.key[0] != 'h' || f.key.find('.') == std::string::npos)
            out += f.key + "=" + f.value + " ";
    return out.empty() ? "-" : out;
}

//! A reproducer: every call with both sides' results, and at the finding
//! the observation that differs.
void print_reproducer(const sequence& s, const verdict& v) {
    for (std::size_t i = 0; i < s.steps.size() && i < v.ksock.steps.size(); ++i) {
        const std::string k = results(v.kernel[0].steps[i]), o = results(v.ksock.steps[i]);
        std::printf("      [%zu] %s\n", i, v.ksock.steps[i].call.c_str());
        if (k == o)
            std::printf("          both:   %s\n", k.c_str());
        else
            std::printf("          kernel: %s\n          ksock:  %s\n", k.c_str(), o.c_str());
        if (v.first && v.first->step == i && v.first->key.find('.') != std::string::npos)
            std::printf("          %s: kernel %s / ksock %s\n", v.first->key.c_str(),
                        v.first->kernel.c_str(), v.first->ksock.c_str());
    }
}

void print_full(const sequence& s, const verdict& v) {
    for (std::size_t i = 0; i < s.steps.size() && i < v.ksock.steps.size(); ++i) {
        std::printf("  [%zu] %s\n", i, v.ksock.steps[i].call.c_str());
        for (std::size_t r = 0; r < v.kernel.size(); ++r) {
            std::printf("    kernel#%zu:", r);
            for (const field& f : v.kernel[r].steps[i].fields)
                std::printf(" %s=%s", f.key.c_str(), f.value.c_str());
            std::printf("\n");
        }
        std::printf("    ksock:   ");
        for (const field& f : v.ksock.steps[i].fields)
            std::printf(" %s=%s", f.key.c_str(), f.value.c_str());
        std::printf("\n");
    }
}

struct group {
    std::string signature, documented;
    long count = 0;
    std::string where; //!< seed:index of the first sequence
    sequence first;
    verdict v;
    bool have_shrunk = false;
    shrunk small;
};

const char* self_path = "build/test/test/ksock_random_diff";

void report_group(const group& g, const char* tag) {
    std::printf("\n  [%s] %s\n      %ld sequence%s; first: %s\n", tag, g.signature.c_str(), g.count,
                g.count == 1 ? "" : "s", g.where.c_str());
    const sequence& s = g.have_shrunk ? g.small.s : g.first;
    const verdict& v = g.have_shrunk ? g.small.v : g.v;
    std::printf("      %s (%zu steps%s):\n",
                g.have_shrunk ? "minimal reproducer" : "sequence (not shrunk)", s.steps.size(),
                g.have_shrunk ? (", " + std::to_string(g.small.evaluations) + " candidates run" +
                                 (g.small.exhausted ? ", budget used up" : ""))
                                    .c_str()
                              : "");
    print_reproducer(s, v);
    std::printf("      replay: KSOCK_RANDOM_REPLAY='%s' %s\n", encode(s).c_str(), self_path);
}

} // namespace

TEST_CASE("random differential: ksock against the kernel over loopback") {
    const auto seed = static_cast<std::uint64_t>(env_long("KSOCK_RANDOM_SEED", 1));
    const long count = env_long("KSOCK_RANDOM_SEQUENCES", 2000);
    const int steps = static_cast<int>(env_long("KSOCK_RANDOM_STEPS", 30));
    const int budget = static_cast<int>(env_long("KSOCK_RANDOM_SHRINK", 300));
    const long max_seconds = env_long("KSOCK_RANDOM_MAX_SECONDS", 1200);
    const bool verbose = env_long("KSOCK_RANDOM_VERBOSE", 0) != 0;
    const std::vector<std::string> expect = expected();

    std::printf("random differential: kernel side %s\n", ksock_loopback::kernel_setup().c_str());
    if (!ksock_loopback::kernel_private_netns()) {
        // Random calls are only made inside a namespace of our own.
        MESSAGE("random differential skipped: no private network namespace ("
                << ksock_loopback::kernel_setup() << ")");
        std::printf("random differential skipped: no private network namespace\n");
        return;
    }
    int next_index = 0;

    // One sequence, printed in full.
    if (const char* r = std::getenv("KSOCK_RANDOM_REPLAY"); r && *r) {
        std::optional<sequence> s;
        std::string text = r;
        if (const auto colon = text.find(':');
            text.rfind("v1;", 0) != 0 && colon != std::string::npos)
            s = generate(std::stoull(text.substr(0, colon)), std::stoi(text.substr(colon + 1)),
                         steps);
        else
            s = decode(text);
        REQUIRE_MESSAGE(s.has_value(), "KSOCK_RANDOM_REPLAY: not a seed:index nor a v1; line");
        const verdict v = check(*s, next_index);
        print_full(*s, v);
        if (v.nondet)
            std::printf("kernel runs disagreed on %ld observations (first: %s)\n", v.nondet,
                        v.nondet_example.c_str());
        if (!v.first) {
            std::printf("replay: ksock agrees with the kernel (%ld comparisons)\n", v.comparisons);
            return;
        }
        group g{v.first->signature, v.first->documented, 1, text, *s, v, false, {}};
        if (budget > 0) {
            g.small = shrink(*s, v, next_index, budget);
            g.have_shrunk = true;
        }
        report_group(g, v.first->documented.empty() ? "MISMATCH" : "documented");
        CHECK_MESSAGE(!v.first->documented.empty(), v.first->signature);
        return;
    }

    const auto t0 = clk::now();
    long sequences = 0, total_steps = 0, comparisons = 0, differing = 0, nondet_obs = 0,
         nondet_seqs = 0, nondet_unmatched = 0, agreeing = 0;
    std::map<std::string, group> groups;      // mismatches, by signature
    std::map<std::string, group> docs;        // documented differences, by item
    std::map<std::string, long> nondet_kinds; // where the kernel disagreed with itself
    std::vector<std::string> nondet_unmatched_examples;
    bool stopped = false;
    for (long i = 0; i < count; ++i) {
        if (std::chrono::duration_cast<std::chrono::seconds>(clk::now() - t0).count() >=
            max_seconds) {
            stopped = true;
            break;
        }
        const sequence s = generate(seed, static_cast<int>(i), steps);
        const verdict v = check(s, next_index);
        ++sequences;
        total_steps += static_cast<long>(s.steps.size());
        comparisons += v.comparisons;
        differing += v.differing;
        nondet_obs += v.nondet;
        if (v.kernel_runs > 2) {
            ++nondet_seqs;
            // The kind: the observation's name without its handle number.
            const std::string ex = v.nondet_example;
            const auto colon = ex.rfind(": ");
            std::string key = colon == std::string::npos ? ex : ex.substr(colon + 2);
            key = key.substr(0, key.find(' '));
            if (key[0] == 'h' && key.find('.') != std::string::npos)
                key = key.substr(key.find('.') + 1);
            ++nondet_kinds[key];
        }
        if (v.nondet_unmatched) {
            ++nondet_unmatched;
            if (nondet_unmatched_examples.size() < 5)
                nondet_unmatched_examples.push_back(
                    std::to_string(seed) + ":" + std::to_string(i) + " " +
                    v.nondet_unmatched->call + ": " + v.nondet_unmatched->key + " kernel " +
                    v.nondet_unmatched->kernel + " / ksock " + v.nondet_unmatched->ksock);
        }
        if (!v.first) {
            ++agreeing;
            continue;
        }
        const finding& f = *v.first;
        auto& table = f.documented.empty() ? groups : docs;
        const std::string& key = f.documented.empty() ? f.signature : f.documented;
        auto [it, fresh] = table.try_emplace(key);
        group& g = it->second;
        ++g.count;
        if (verbose)
            std::printf("%llu:%ld step %zu %s\n", static_cast<unsigned long long>(seed), i, f.step,
                        f.signature.c_str());
        if (!fresh)
            continue;
        g.signature = f.signature;
        g.documented = f.documented;
        g.where = std::to_string(seed) + ":" + std::to_string(i);
        g.first = s;
        g.v = v;
        if (budget > 0) {
            g.small = shrink(s, v, next_index, budget);
            g.have_shrunk = true;
        }
    }
    const double secs = std::chrono::duration<double>(clk::now() - t0).count();

    long unexpected = 0, known = 0;
    std::printf("\n== mismatches: %zu distinct signature%s (outside README's documented "
                "differences)\n",
                groups.size(), groups.size() == 1 ? "" : "s");
    for (const auto& [sig, g] : groups) {
        const bool is_known = std::find(expect.begin(), expect.end(), sig) != expect.end();
        (is_known ? known : unexpected) += 1;
        report_group(g, is_known ? "known open" : "MISMATCH");
    }
    std::printf("\n== documented differences (README \"Where ksock differs from Linux\"): %zu "
                "item%s\n",
                docs.size(), docs.size() == 1 ? "" : "s");
    for (const auto& [item, g] : docs) {
        std::printf("\n  (%s)", item.c_str());
        report_group(g, "documented");
    }
    std::printf("\n== kernel nondeterminism: %ld sequence%s needed more than two kernel runs, %ld "
                "observations differed between kernel runs\n",
                nondet_seqs, nondet_seqs == 1 ? "" : "s", nondet_obs);
    for (const auto& [k, n] : nondet_kinds)
        std::printf("      first differing observation %s: %ld\n", k.c_str(), n);
    std::printf("   %ld sequence%s where ksock matched none of the disagreeing kernel runs (not "
                "counted as ksock's)\n",
                nondet_unmatched, nondet_unmatched == 1 ? "" : "s");
    for (const std::string& e : nondet_unmatched_examples)
        std::printf("      %s\n", e.c_str());
    for (const std::string& e : expect)
        if (!groups.count(e))
            std::printf("   expected but not seen: %s\n", e.c_str());

    long in_docs = 0, in_groups = 0;
    for (const auto& [k, g] : docs)
        in_docs += g.count;
    for (const auto& [k, g] : groups)
        in_groups += g.count;
    std::printf("\nrandom differential: seed %llu, %ld sequences, %ld steps, %ld comparisons in "
                "%.1f s%s\n",
                static_cast<unsigned long long>(seed), sequences, total_steps, comparisons, secs,
                stopped ? " (stopped by KSOCK_RANDOM_MAX_SECONDS)" : "");
    std::printf("  %ld sequences agree; %ld end in a mismatch (%zu signatures: %ld unexpected, %ld "
                "known open), %ld in a documented difference (%zu items), %ld with kernel-only "
                "nondeterminism ksock matched no run of; %ld observations differed in all\n",
                agreeing, in_groups, groups.size(), unexpected, known, in_docs, docs.size(),
                nondet_unmatched, differing);
    std::fflush(stdout);
    MESSAGE("random differential: " << sequences << " sequences, " << total_steps << " steps, "
                                    << comparisons << " comparisons, " << groups.size()
                                    << " mismatch signatures (" << unexpected << " unexpected)");
    CHECK(unexpected == 0);
}
