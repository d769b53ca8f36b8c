// test/objects/layout_cast_failure.cpp: a checked layout cast on the wrong
// object reports which cast and which object, through the program's handler
// or by default on stderr, and then stops (objects/layout_cast_failure.hpp).
#include <csetjmp>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/detail/type_name.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/layout_cast_failure.hpp>
#include <ksock/objects/proto_desc.hpp>
#include <ksock/objects/sock.hpp>

#if defined(__linux__)
#include <csignal>
#include <unistd.h>

#include <sys/wait.h>
#endif

namespace {

using namespace ksock;

//! Two socket objects of a made-up family: a cast from one to the other is
//! what tcp_sk() of a UDP socket's sock is.
struct a_sock {
    sock sk;
    int a;
};
struct b_sock {
    sock sk;
    long b;
};
//! a_sock's proto as a stack would make it: its chain names a_sock and sock.
constexpr const void* a_chain[] = {type_id<a_sock>(), type_id<sock>(), type_id<sock_common>()};
constexpr proto_desc a_desc{"A-PROTO", sizeof(a_sock), a_chain, 3};

constexpr sk_caster<b_sock> b_sk{"b_sk"};

a_sock make_a() {
    a_sock o{};
    o.sk.sk_prot() = &a_desc;
    o.sk.sk_family() = 29;
    o.sk.sk_type = 2;
    o.sk.sk_protocol = 1;
    return o;
}

#if KSOCK_CHECKED_CASTS // without the check (NDEBUG) nothing fails and nothing is recorded
layout_cast_failure seen{};
std::jmp_buf back;
//! Records the report and returns to the test instead of stopping (the
//! frames it jumps over are trivial).
void record(const layout_cast_failure& f) noexcept {
    seen = f;
    std::longjmp(back, 1);
}
#endif

} // namespace

TEST_CASE("type_name: the type's qualified name, without RTTI") {
    // GCC writes "{anonymous}::b_sock", Clang "(anonymous namespace)::b_sock".
    CHECK(std::strstr(detail::type_name<b_sock>(), "::b_sock") != nullptr);
    CHECK(std::strcmp(detail::type_name<sock>(), "ksock::sock") == 0);
    CHECK(std::strcmp(detail::type_name<int>(), "int") == 0);
}

TEST_CASE("layout cast: the right object passes, an object without a proto is not checked") {
    a_sock o = make_a();
    CHECK(sk_cast<a_sock>(&o.sk) == &o);
    b_sock hand_built{};
    CHECK(b_sk(&hand_built.sk) == &hand_built);
}

#if KSOCK_CHECKED_CASTS
TEST_CASE("layout cast: a wrong object goes to the handler with the cast and the object") {
    a_sock o = make_a();
    const layout_cast_handler old = set_layout_cast_handler(record);
    CHECK((old == nullptr));
    if (setjmp(back) == 0) {
        (void)b_sk(&o.sk);
        FAIL("the failed cast returned");
    }
    set_layout_cast_handler(nullptr);
    CHECK(std::strcmp(seen.cast, "b_sk") == 0);
    CHECK(std::strstr(seen.target, "b_sock") != nullptr);
    CHECK(seen.sk == &o.sk);
    CHECK(std::strcmp(seen.proto, "A-PROTO") == 0);
    CHECK(seen.family == 29);
    CHECK(seen.type == 2);
    CHECK(seen.protocol == 1);

    set_layout_cast_handler(record);
    if (setjmp(back) == 0) {
        (void)sk_cast<b_sock>(&o.sk);
        FAIL("the failed cast returned");
    }
    set_layout_cast_handler(nullptr);
    CHECK(std::strcmp(seen.cast, "sk_cast") == 0);
}

#if defined(__linux__)
TEST_CASE("layout cast: by default one line on stderr names both, then the program stops") {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        a_sock o = make_a();
        (void)b_sk(&o.sk);
        _exit(0); // not reached
    }
    close(fds[1]);
    char buf[512] = {};
    std::size_t n = 0;
    for (ssize_t r; n < sizeof buf - 1 && (r = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0;)
        n += static_cast<std::size_t>(r);
    close(fds[0]);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    // A trap (SIGILL), or a sanitizer's exit when it catches the signal.
    CHECK((WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0)));
    CHECK(std::strstr(buf, "ksock: layout cast b_sk to ") != nullptr);
    CHECK(std::strstr(buf, "b_sock failed") != nullptr);
    CHECK(std::strstr(buf, "belongs to proto A-PROTO (family 29, type 2, protocol 1)") != nullptr);
}
#endif
#endif
