// ksock/policy/trace.hpp: tracing as a policy (the tracepoints of the socket path).
//
// A stack calls its trace policy at every step of socket()/close(): entering
// and leaving a kernel function, and each field value the step set. With
// null_trace (the default) every call is an empty inline function and the
// compiler removes it, arguments included. print_trace writes an indented
// call tree with std::printf, which newlib provides on a target too.
#pragma once

#include <climits>
#include <concepts>
#include <cstdio>

#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/value_names.hpp>

namespace ksock {

//! The trace policy concept: what a stack calls.
template <class T>
concept trace_policy = requires(T& t, const char* s, long long v, value_format f) {
    { T::enabled } -> std::convertible_to<bool>;
    t.enter(s);
    t.leave(s, 0);
    t.field(s, v);
    t.field(s, v, f);
    t.text(s, s);
    t.note(s);
};

//! Tracing off: costs nothing.
struct null_trace {
    static constexpr bool enabled = false; //!< the stack may skip computing what it would trace
    //! The trace_policy members, all empty.
    //!@{
    constexpr void enter(const char*) noexcept {}
    constexpr void leave(const char*, int) noexcept {}
    constexpr void field(const char*, long long) noexcept {}
    constexpr void field(const char*, long long, value_format) noexcept {}
    constexpr void text(const char*, const char*) noexcept {}
    constexpr void note(const char*) noexcept {}
    //!@}
};

//! Tracing to stdout as an indented call tree:
//!   __sock_create
//!     sock_alloc
//!       inode.i_ino = 1
struct print_trace {
    static constexpr bool enabled = true; //!< the stack computes what it traces
    int depth = 0;                        //!< nesting level of the current kernel function

    //! Two spaces per nesting level.
    void indent() const noexcept {
        for (int i = 0; i < depth; ++i)
            std::fputs("  ", stdout);
    }
    //! A kernel function begins: its name, one level deeper.
    void enter(const char* fn) noexcept {
        indent();
        std::printf("%s\n", fn);
        ++depth;
    }
    //! It ends, one level up; a non-zero \p ret is printed, with its errno
    //! name when negative (`sock_create -> -97 (-EAFNOSUPPORT)`).
    void leave(const char* fn, int ret) noexcept {
        if (depth > 0)
            --depth;
        if (ret != 0) {
            indent();
            // An error as a kernel reader reads it: "-13 (-EACCES)".
            const char* e = ret < 0 ? errno_name(-ret) : nullptr;
            if (e)
                std::printf("%s -> %d (-%s)\n", fn, ret, e);
            else
                std::printf("%s -> %d\n", fn, ret);
        }
    }
    //! A field the step set, in decimal.
    void field(const char* name, long long v) noexcept {
        indent();
        // %ld whenever the value fits: newlib-nano's printf has no %lld.
        if (v >= LONG_MIN && v <= LONG_MAX)
            std::printf("%s = %ld\n", name, static_cast<long>(v));
        else
            std::printf("%s = %lld\n", name, v);
    }
    //! A flag word, mode or enumeration as a kernel reader writes it: in its
    //! base, with the names of its bits or value and what no name covers
    //! ("i_mode = 0140777 (S_IFSOCK | 0777)", "answer->flags = 0x6
    //! (INET_PROTOSW_PERMANENT | INET_PROTOSW_ICSK)", "family = 2 (AF_INET)").
    void field(const char* name, long long v, value_format f) noexcept {
        indent();
        std::printf("%s = ", name);
        number(v, f.base);
        long long covered = 0;
        const char* sep = " (";
        for (std::size_t i = 0; v >= 0 && i < f.count; ++i) {
            const value_name& n = f.names[i];
            if ((n.mask & covered) == 0 && (v & n.mask) == n.value) {
                std::printf("%s%s", sep, n.name);
                sep = " | ";
                covered |= n.mask;
            }
        }
        if (covered != 0 && (v & ~covered) != 0) {
            std::fputs(" | ", stdout);
            number(v & ~covered, f.base);
        }
        std::fputs(covered != 0 ? ")\n" : "\n", stdout);
    }
    //! \p v in \p base: 2, 0x6, 0140777 (a leading 0 for octal, as C writes it).
    static void number(long long v, value_base base) noexcept {
        // %l* whenever the value fits: newlib-nano's printf has no %ll*.
        if ((v < 0 || base == value_base::dec) && v >= LONG_MIN && v <= LONG_MAX)
            std::printf("%ld", static_cast<long>(v));
        else if (v < 0 || v > LONG_MAX || base == value_base::dec)
            std::printf("%lld", v);
        else if (base == value_base::hex)
            std::printf("0x%lx", static_cast<unsigned long>(v));
        else
            std::printf(v ? "0%lo" : "0", static_cast<unsigned long>(v));
    }
    //! A string field, quoted.
    void text(const char* name, const char* v) noexcept {
        indent();
        std::printf("%s = \"%s\"\n", name, v);
    }
    //! A remark of the path (`# why`).
    void note(const char* msg) noexcept {
        indent();
        std::printf("%s\n", msg);
    }
};

static_assert(trace_policy<null_trace> && trace_policy<print_trace>);

//! RAII scope: enter on construction, leave with the recorded result.
template <class Trace>
struct trace_scope {
    Trace& t;       //!< the trace policy
    const char* fn; //!< the kernel function's name
    int ret = 0;    //!< the result leave() reports
    //! Enter \p f on \p tr.
    constexpr trace_scope(Trace& tr, const char* f) noexcept : t(tr), fn(f) { t.enter(fn); }
    //! Record \p r as the result and return it (`return s.result(err);`).
    constexpr int result(int r) noexcept { return ret = r; }
    constexpr ~trace_scope() { t.leave(fn, ret); }
    trace_scope(const trace_scope&) = delete;
    trace_scope& operator=(const trace_scope&) = delete;
};

} // namespace ksock
