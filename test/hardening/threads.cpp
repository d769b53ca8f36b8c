// test/hardening/threads.cpp: one stack, one task's fd table, several threads
// creating, duplicating, inspecting and closing sockets at once, with
// std::mutex and with ksock::spinlock as the stack's lock. Every fd a call
// returns is claimed in a shared ownership table (a second live owner of one
// fd is an fd handed out twice); each thread only touches fds it owns and
// checks, through SO_DOMAIN / SO_TYPE, that each still names the socket it
// opened; at the end every thread has closed its fds and the stack is empty.
// The tsan presets run this under ThreadSanitizer.
//
// Host only (std::thread): built as ksock_threads, ctest name "threads".
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include <ksock/ksock.hpp>

namespace {

using namespace ksock;

constexpr int thread_count = 4;
constexpr int per_thread_fds = 16; //!< most fds a thread holds at once
//! Total system calls of one run, over all threads.
constexpr unsigned long total_ops = 1'000'000;

template <class Lock>
struct threaded_config : default_config {
    static constexpr std::size_t max_fds = 128;
    static constexpr std::size_t max_sockets = 128;
    // Every thread may hold per_thread_fds sockets of one proto.
    template <class P>
    static constexpr std::size_t proto_objects = thread_count* per_thread_fds;
    using lock = Lock;
};

//! What an fd names: checked with SO_DOMAIN and SO_TYPE.
struct kind {
    int family, type;
};
constexpr kind kinds[] = {{pf_inet, sock_stream}, {pf_inet, sock_dgram}, {pf_inet, sock_raw},
                          {pf_unix, sock_stream}, {pf_unix, sock_dgram}, {pf_unix, sock_seqpacket}};

template <class Lock>
struct run {
    using S = stack<threaded_config<Lock>>;
    static constexpr int nfds = static_cast<int>(S::config::max_fds);

    S& s;
    std::array<std::atomic<int>, nfds> owner{}; // thread id + 1, 0 = free
    std::atomic<unsigned long> ops{0};
    std::atomic<unsigned long> errors{0};
    std::atomic<int> first_error_line{0};
    std::atomic<int> first_error_value{0};

    void error(int line, int value) {
        if (errors.fetch_add(1) == 0) {
            first_error_line.store(line);
            first_error_value.store(value);
        }
    }

    struct held {
        int fd;
        kind k;
    };

    struct worker {
        run& r;
        int id;
        std::uint64_t rng;
        std::vector<held> mine{};
        unsigned long done = 0;

        std::uint32_t next() {
            rng ^= rng << 13; // xorshift64
            rng ^= rng >> 7;
            rng ^= rng << 17;
            return static_cast<std::uint32_t>(rng >> 32);
        }
        //! A call returned \p fd naming a socket of kind \p k: claim it.
        void claim(int fd, kind k, int line) {
            if (fd < 0 || fd >= nfds)
                return r.error(line, fd);
            int expected = 0;
            if (!r.owner[static_cast<std::size_t>(fd)].compare_exchange_strong(expected, id + 1))
                return r.error(line, fd); // handed out twice
            mine.push_back({fd, k});
        }
        //! Give up fd \p i of mine before closing it: after close() another
        //! thread may get the number, but not before.
        int release(std::size_t i) {
            const int fd = mine[i].fd;
            r.owner[static_cast<std::size_t>(fd)].store(0);
            mine[i] = mine.back();
            mine.pop_back();
            return fd;
        }
        held& pick() { return mine[next() % mine.size()]; }

        void check_kind(const held& h) {
            int v = -1;
            socklen_t len = sizeof v;
            const int rc = r.s.getsockopt(h.fd, sol_socket, so_domain, &v, &len);
            if (rc != 0 || v != h.k.family)
                r.error(__LINE__, rc != 0 ? rc : v);
            len = sizeof v;
            const int rt = r.s.getsockopt(h.fd, sol_socket, so_type, &v, &len);
            if (rt != 0 || v != h.k.type)
                r.error(__LINE__, rt != 0 ? rt : v);
        }

        void step() {
            const std::uint32_t what = next() % 100;
            const bool room = mine.size() + 2 <= static_cast<std::size_t>(per_thread_fds);
            if (mine.empty() || (room && what < 25)) {
                const kind k = kinds[next() % std::size(kinds)];
                claim(r.s.socket(k.family, k.type | (what & 1 ? sock_cloexec : 0),
                                 k.type == sock_raw ? 255 : 0),
                      k, __LINE__);
                ++done;
            } else if (room && what < 30) {
                const int t = (what & 1) ? sock_stream : sock_dgram;
                int sv[2] = {-1, -1};
                const int rc = r.s.socketpair(af_unix, t | sock_nonblock, 0, sv);
                if (rc != 0)
                    r.error(__LINE__, rc);
                claim(sv[0], {pf_unix, t}, __LINE__);
                claim(sv[1], {pf_unix, t}, __LINE__);
                ++done;
            } else if (room && what < 40) {
                const held h = pick();
                claim(r.s.dup(h.fd), h.k, __LINE__);
                ++done;
            } else if (room && what < 45) {
                const held h = pick();
                claim(r.s.fcntl(h.fd, (what & 1) ? f_dupfd_cloexec : f_dupfd,
                                static_cast<long>(next() % 64)),
                      h.k, __LINE__);
                ++done;
            } else if (what < 50 && mine.size() >= 2) {
                // dup2 between two fds of mine: the target now names the source's socket.
                held& a = pick();
                held& b = pick();
                const int rc = r.s.dup2(a.fd, b.fd);
                if (rc != b.fd)
                    r.error(__LINE__, rc);
                b.k = a.k;
                ++done;
            } else if (what < 60) {
                const held h = pick();
                const int fl = r.s.fcntl(h.fd, f_getfl);
                if (fl < 0 || (fl & o_accmode) != o_rdwr)
                    r.error(__LINE__, fl);
                const int rc = r.s.fcntl(h.fd, f_setfl, fl ^ o_nonblock);
                if (rc != 0)
                    r.error(__LINE__, rc);
                done += 2;
            } else if (what < 75) {
                check_kind(pick());
                done += 2;
            } else {
                const std::size_t i = next() % mine.size();
                check_kind(mine[i]);
                const int fd = release(i);
                const int rc = r.s.close(fd);
                if (rc != 0)
                    r.error(__LINE__, rc);
                done += 3;
            }
        }

        void operator()(unsigned long quota) {
            while (done < quota)
                step();
            while (!mine.empty()) {
                const int rc = r.s.close(release(mine.size() - 1));
                if (rc != 0)
                    r.error(__LINE__, rc);
                ++done;
            }
            r.ops.fetch_add(done);
        }
    };

    unsigned long go(unsigned long total) {
        std::vector<std::thread> threads;
        const unsigned long quota = total / thread_count;
        for (int i = 0; i < thread_count; ++i)
            threads.emplace_back([this, i, quota] {
                worker w{*this, i, 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(i + 1)};
                w(quota);
            });
        for (std::thread& t : threads)
            t.join();
        return ops.load();
    }
};

template <class Lock>
void hammer(const char* name) {
    using S = typename run<Lock>::S;
    static S s; // large pools: static storage, not a thread's stack
    s.boot();
    run<Lock> r{s};
    const auto t0 = std::chrono::steady_clock::now();
    const unsigned long ops = r.go(total_ops);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    INFO("first error at line " << r.first_error_line.load() << ", value "
                                << r.first_error_value.load());
    CHECK(r.errors.load() == 0);
    CHECK(ops >= total_ops);
    const auto inv = s.check_invariants();
    CHECK_MESSAGE(inv.ok, inv.what);
    CHECK(s.empty());
    CHECK(s.sockets_in_use() == 0);
    CHECK(s.files_in_use() == 0);
    CHECK(s.current().files.next_fd == 0);
    MESSAGE(std::string(name) << ": " << thread_count << " threads, " << ops
                              << " calls on one stack and one fd table in " << ms
                              << " ms, no fd handed out twice, nothing lost");
}

TEST_CASE("threads: std::mutex as the stack lock") {
    hammer<std::mutex>("std::mutex");
}

TEST_CASE("threads: ksock::spinlock as the stack lock") {
    hammer<ksock::spinlock>("ksock::spinlock");
}

} // namespace

// --- blocking calls with a sleeping wait policy -------------------------------
// ksock::condvar_wait sleeps on a condition variable with the stack lock
// released, as Linux's sk_wait_event releases the socket lock: a blocking
// call returns when another thread's call makes it ready, or when its
// timeout (SO_RCVTIMEO, poll's) runs out, with EAGAIN as on Linux.

#include <ksock/policy/condvar_wait.hpp>

namespace {

struct blocking_config : default_config {
    using lock = std::mutex;
    using wait = condvar_wait;
};
using blocking_stack = stack<blocking_config>;

long elapsed_ms(std::chrono::steady_clock::time_point since) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - since)
                                 .count());
}

} // namespace

TEST_CASE("blocking: poll sleeps for its timeout, then reports nothing") {
    auto s = std::make_unique<blocking_stack>();
    int sv[2];
    REQUIRE(s->socketpair(pf_unix, sock_stream, 0, sv) == 0);
    pollfd p{sv[0], static_cast<short>(pollin), 0};
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(s->poll(&p, 1, 40) == 0);
    CHECK(elapsed_ms(t0) >= 39);
    CHECK(p.revents == 0);
    CHECK(s->close(sv[0]) == 0);
    CHECK(s->close(sv[1]) == 0);
    CHECK(s->empty());
}

TEST_CASE("blocking: recv waits for another thread's send") {
    auto s = std::make_unique<blocking_stack>();
    int sv[2];
    REQUIRE(s->socketpair(pf_unix, sock_stream, 0, sv) == 0);
    std::thread writer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        CHECK(s->send(sv[1], "ping", 4, 0) == 4);
    });
    char buf[8] = {};
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(s->recv(sv[0], buf, sizeof buf, 0) == 4); // blocks until the writer sends
    CHECK(elapsed_ms(t0) >= 25);
    CHECK(std::string(buf, 4) == "ping");
    writer.join();
    // poll with no timeout wakes on the peer's close.
    std::thread closer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        CHECK(s->close(sv[1]) == 0);
    });
    pollfd p{sv[0], static_cast<short>(pollin | pollrdhup), 0};
    CHECK(s->poll(&p, 1, -1) == 1);
    CHECK((static_cast<unsigned short>(p.revents) & pollrdhup) != 0);
    closer.join();
    CHECK(s->recv(sv[0], buf, sizeof buf, 0) == 0); // end of stream
    CHECK(s->close(sv[0]) == 0);
    CHECK(s->empty());
}

TEST_CASE("blocking: SO_RCVTIMEO bounds a blocking recv with EAGAIN") {
    auto s = std::make_unique<blocking_stack>();
    int sv[2];
    REQUIRE(s->socketpair(pf_unix, sock_dgram, 0, sv) == 0);
    const ksock::timeval tv{0, 50000};
    REQUIRE(s->setsockopt(sv[0], sol_socket, so_rcvtimeo, &tv, sizeof tv) == 0);
    char buf[4];
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(s->recv(sv[0], buf, sizeof buf, 0) == -eagain);
    CHECK(elapsed_ms(t0) >= 45);
    CHECK(s->close(sv[0]) == 0);
    CHECK(s->close(sv[1]) == 0);
    CHECK(s->empty());
}
