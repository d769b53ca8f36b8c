// test/differential/packet/script.hpp: a packet-level script as data. The
// scripts are written in a subset of packetdrill's language (see README.md
// beside this file); the parser turns one into this tree and the runner
// plays it against a backend (the host kernel, later ksock).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ksock_packet {

//! Microseconds of script time (0 = the start of the script).
using usec = std::int64_t;

// --- when an event happens -------------------------------------------------------

//! One time stamp as written: absolute ("0.100"), relative to the previous
//! event ("+0.1"), or any time ("*").
struct time_point {
    enum class kind : std::uint8_t { absolute, relative, any };
    kind k = kind::absolute;
    usec value = 0;
};

//! The time column of a line: a point, a range "a~b" (the event may happen
//! anywhere in it), or "a...b" for a blocking system call that starts at a
//! and returns at b.
struct timing {
    time_point start;
    std::optional<time_point> range_end;    //!< "~"
    std::optional<time_point> blocking_end; //!< "..."
};

// --- TCP segments ------------------------------------------------------------------

namespace tcp_flag {
inline constexpr std::uint8_t fin = 0x01, syn = 0x02, rst = 0x04, psh = 0x08, ack = 0x10,
                              urg = 0x20, ece = 0x40, cwr = 0x80;
}

struct tcp_option {
    enum class kind : std::uint8_t { eol, nop, mss, wscale, sack_permitted, sack, timestamp };
    kind k = kind::nop;
    std::uint32_t a = 0;                                         //!< mss, wscale, TS val
    std::uint32_t b = 0;                                         //!< TS ecr
    std::vector<std::pair<std::uint32_t, std::uint32_t>> blocks; //!< sack, relative
};

//! "< S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>" and its kin.
struct segment {
    bool inbound = true; //!< '<': the script sends it; '>': the host must send it
    std::uint8_t flags = 0;
    std::uint32_t seq = 0; //!< relative start
    std::uint32_t len = 0; //!< payload length
    std::optional<std::uint32_t> ack;
    std::optional<std::uint32_t> win;
    std::optional<std::uint32_t> urg;
    //! The IP header's ECN field, written before the flags as packetdrill
    //! does: [noecn] 0, [ect1] 1, [ect0] 2, [ce] 3. An inbound segment
    //! without it is Not-ECT; an outbound one is compared only when written.
    std::optional<std::uint8_t> ecn;
    //! nullopt: no "<...>" written (an outbound segment must carry no option,
    //! an inbound one carries none); any_options: "<...>" (unchecked).
    std::optional<std::vector<tcp_option>> options;
    bool any_options = false;
};

// --- system calls ------------------------------------------------------------------

//! An argument or an expected value: "...", a number (named constants are
//! resolved by the parser), "[v, ...]", "{name=v, ...}" or a string.
struct value {
    enum class kind : std::uint8_t { ellipsis, integer, array, structure, string };
    kind k = kind::integer;
    std::int64_t n = 0;
    std::string s;
    std::vector<value> elems; //!< an array's elements, a struct's field values
    //! A struct's fields: names[i] = elems[i] (a vector of value may be
    //! declared while value is incomplete; a pair of one may not).
    std::vector<std::string> names;

    static value ellipsis();
    static value integer(std::int64_t v);
};
// Defined once value is complete: its members hold values.
inline value value::ellipsis() {
    value v;
    v.k = kind::ellipsis;
    return v;
}
inline value value::integer(std::int64_t n) {
    value v;
    v.n = n;
    return v;
}

//! "name(args) = ret [ERRNO (text)]".
struct syscall {
    std::string name;
    std::vector<value> args;
    value ret;        //!< an integer, or "..." (any result)
    int err = 0;      //!< the errno expected with ret -1 (0: none written)
    std::string text; //!< the call as written, for reports
};

// --- assertions on TCP_INFO ----------------------------------------------------------

//! An expression of the "%{ assert ... }%" language: integers, tcpi_* fields
//! and named constants, arithmetic, comparisons (chained as in
//! "a <= x <= b"), and/or/not. No python: the runner evaluates this tree.
struct expr {
    enum class kind : std::uint8_t { number, field, unary, binary, compare_chain };
    kind k = kind::number;
    std::int64_t n = 0;
    std::string op;                         //!< unary/binary operator
    std::string field;                      //!< "tcpi_rto"
    std::vector<std::unique_ptr<expr>> sub; //!< operands
    std::vector<std::string> cmp;           //!< chain operators, sub.size() - 1 of them
};

struct assertion {
    std::unique_ptr<expr> test;
    std::string text; //!< as written, for reports
};

//! "%{ assert ...; assert ... }%": checks on the TCP_INFO of the script's
//! connection socket (see README.md).
struct assert_block {
    std::vector<assertion> asserts;
};

// --- the script ----------------------------------------------------------------------

struct event {
    int line = 0;
    timing when;
    enum class kind : std::uint8_t { packet, call, check };
    kind k = kind::packet;
    segment pkt;
    syscall call;
    std::shared_ptr<assert_block> check;
    std::string text; //!< the line as written (without the time), for reports
};

struct script {
    std::string path;
    //! "sysctl net.ipv4.tcp_sack = 1": set in the namespace (or the stack)
    //! before the script starts, in order.
    std::vector<std::pair<std::string, std::string>> sysctls;
    //! "tolerance 0.040": this script's timing tolerance (else the runner's).
    std::optional<usec> tolerance;
    std::vector<event> events;
};

//! A parse error: "path:line: message".
struct parse_error {
    int line = 0;
    std::string message;
};

//! Parses a script; on failure returns nullopt and fills err.
std::optional<script> parse_script(const std::string& text, const std::string& path,
                                   parse_error& err);

//! Named constants the scripts may use (AF_INET, SOL_SOCKET, TCP_NODELAY,
//! EINPROGRESS, POLLIN, TCP_ESTABLISHED, ...).
std::optional<std::int64_t> lookup_constant(const std::string& name);
//! An errno's name ("EAGAIN") or its number as text.
std::string errno_name(int e);

//! The textual form of a segment and of an option list, as a script writes them.
std::string to_string(const segment& s);
std::string to_string(const std::vector<tcp_option>& opts);

} // namespace ksock_packet
