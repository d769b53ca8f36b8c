// test/policy/trace.cpp: the trace_policy concept. A stack refuses a
// Config::trace that does not model it (test/fail/stack/trace_not_policy.cpp);
// here: the library's two policies model it (policy/trace.hpp pins that with
// a static_assert of its own), a minimal model does, and types missing one
// member or with a wrong signature do not.
#include <doctest/doctest.h>

#include <ksock/policy/trace.hpp>

#include "support/static_require.hpp"

namespace {

using namespace ksock;

//! The minimal model: every member, each doing nothing.
struct minimal_trace {
    static constexpr bool enabled = false;
    void enter(const char*) {}
    void leave(const char*, int) {}
    void field(const char*, long long) {}
    void field(const char*, long long, value_format) {}
    void text(const char*, const char*) {}
    void note(const char*) {}
};
struct no_enabled {
    void enter(const char*) {}
    void leave(const char*, int) {}
    void field(const char*, long long) {}
    void text(const char*, const char*) {}
    void note(const char*) {}
};
struct no_note {
    static constexpr bool enabled = false;
    void enter(const char*) {}
    void leave(const char*, int) {}
    void field(const char*, long long) {}
    void text(const char*, const char*) {}
};
//! leave without the result: trace_scope could not record it.
struct leave_without_result {
    static constexpr bool enabled = false;
    void enter(const char*) {}
    void leave(const char*) {}
    void field(const char*, long long) {}
    void text(const char*, const char*) {}
    void note(const char*) {}
};
//! text taking a number: a string field could not be traced.
struct text_takes_a_number {
    static constexpr bool enabled = false;
    void enter(const char*) {}
    void leave(const char*, int) {}
    void field(const char*, long long) {}
    void text(const char*, long long) {}
    void note(const char*) {}
};
//! Records what a trace_scope calls.
struct recorder {
    static constexpr bool enabled = true;
    int entered = 0;
    int left = 0;
    int result = -1;
    void enter(const char*) { ++entered; }
    void leave(const char*, int r) {
        ++left;
        result = r;
    }
    void field(const char*, long long) {}
    void field(const char*, long long, value_format) {}
    void text(const char*, const char*) {}
    void note(const char*) {}
};
//! field without the format: flags and modes could not be traced with names.
struct no_formatted_field {
    static constexpr bool enabled = false;
    void enter(const char*) {}
    void leave(const char*, int) {}
    void field(const char*, long long) {}
    void text(const char*, const char*) {}
    void note(const char*) {}
};

} // namespace

TEST_CASE("trace_policy: the minimal model and the library's policies") {
    STATIC_REQUIRE(trace_policy<minimal_trace>);
    STATIC_REQUIRE(trace_policy<null_trace>);
    STATIC_REQUIRE(trace_policy<print_trace>);
}

TEST_CASE("trace_policy: a missing member or a wrong signature is refused") {
    STATIC_REQUIRE(!trace_policy<no_enabled>);
    STATIC_REQUIRE(!trace_policy<no_note>);
    STATIC_REQUIRE(!trace_policy<leave_without_result>);
    STATIC_REQUIRE(!trace_policy<text_takes_a_number>);
    STATIC_REQUIRE(!trace_policy<no_formatted_field>);
    STATIC_REQUIRE(!trace_policy<int>);
}

TEST_CASE("trace_scope: enters on construction, leaves with the recorded result") {
    STATIC_REQUIRE(trace_policy<recorder>);
    recorder r;
    {
        trace_scope s(r, "sock_create");
        CHECK(r.entered == 1);
        CHECK(r.left == 0);
        s.result(-97);
    }
    CHECK(r.left == 1);
    CHECK(r.result == -97);
}
