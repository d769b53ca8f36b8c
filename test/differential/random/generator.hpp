// test/differential/random/generator.hpp: random socket sequences from a
// seed, in the loopback harness's vocabulary, and the text form a sequence
// is replayed from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "../loopback/harness.hpp"

namespace ksock_random {

using ksock_loopback::sequence;
using ksock_loopback::step;

//! Sequence \p index of the run seeded with \p seed: a few sockets set up
//! (a TCP connection, a UDP pair, an AF_UNIX socketpair or listener ...),
//! then calls chosen at random with valid and invalid arguments until it
//! has about \p steps steps. The same (seed, index, steps) always gives the
//! same sequence: nothing in it depends on what a run returned.
sequence generate(std::uint64_t seed, int index, int steps);

//! A sequence as one line of text (no spaces, no quotes: safe in a shell),
//! and back. decode() returns nothing for text it cannot read.
std::string encode(const sequence& s);
std::optional<sequence> decode(const std::string& text);

//! The socket each handle names at a step, as "tcp", "udp", "unix/stream",
//! "unix/dgram", "unix/seqpacket" or "?" (created by a step whose result
//! it cannot know, e.g. an fd received with SCM_RIGHTS), read from the
//! steps before it without running them.
std::string handle_kind(const sequence& s, std::size_t step_index, int h);

} // namespace ksock_random
