// bench/ops.hpp: the run-time cases, one struct each, shared by the Google
// Benchmark driver (runtime.cpp) and the instruction counter (instructions.cpp).
//
// A case has setup() (false: cannot run here), one operation per call of
// run(), and teardown(). The same operation is written for ksock (a stack
// with room for 1024 sockets), lwIP (its BSD socket API, lwip_socket() ...,
// over the unix port: pthreads, core locking) and the host kernel (the
// system calls). The (family, type, protocol) triple, the option level and
// name go through launder() first, so the compiler cannot fold a run-time
// resolution into a constant; socket<F, T, P>() is the statically resolved
// call, whose triple is a constant by design.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <unistd.h>

#ifndef KBENCH_KSOCK_ONLY
#include <lwip/sockets.h>
#include <lwip/tcpip.h>
#endif
#include <sys/resource.h>
#include <sys/socket.h>

#include <ksock/ksock.hpp>

#include "bench_family.hpp"
#include "floor.hpp"
#ifdef KBENCH_HAVE_LWIP_LEAN
#include "lwip_lean/lwip_lean.h"
#endif

namespace kbench {

//! The compiler must assume \p x changed here (Google Benchmark's DoNotOptimize).
template <class T>
inline void launder(T& x) noexcept {
    asm volatile("" : "+m"(x) : : "memory");
}

//! The ksock stack of the run-time cases: PF_UNIX + PF_INET, 1024 of each.
inline constinit big_stack ks;

inline constexpr int batch_size = 1000;

// --- the stacks ---------------------------------------------------------------

enum class proto_kind { tcp, udp, unix_stream };

struct triple {
    int family, type, protocol;
};
constexpr triple triple_of(proto_kind k) noexcept {
    switch (k) {
    case proto_kind::tcp:
        return {ksock::pf_inet, ksock::sock_stream, 0};
    case proto_kind::udp:
        return {ksock::pf_inet, ksock::sock_dgram, 0};
    case proto_kind::unix_stream:
        return {ksock::pf_unix, ksock::sock_stream, 0};
    }
    return {-1, -1, -1};
}

//! ksock, the triple resolved at run time: s.socket(f, t, p).
struct ksock_rt {
    static constexpr const char* name = "ksock";
    static bool init() {
        ks.boot();
        return true;
    }
    static int socket(triple a) { return ks.socket(a.family, a.type, a.protocol); }
    static int close(int fd) { return ks.close(fd); }
    static int getsockopt(int fd, int level, int optname, void* v, socklen_t* len) {
        ksock::socklen_t l = *len;
        const int r = ks.getsockopt(fd, level, optname, v, &l);
        *len = l;
        return r;
    }
    static int fcntl(int fd, int cmd) { return ks.fcntl(fd, cmd); }
};

//! ksock, the triple resolved while compiling: s.socket<F, T, P>().
template <proto_kind K>
struct ksock_static : ksock_rt {
    static constexpr const char* name = "ksock_static";
    static int socket(triple) {
        constexpr triple t = triple_of(K);
        return ks.socket<t.family, t.type, t.protocol>();
    }
};

#ifndef KBENCH_KSOCK_ONLY
//! lwIP 2.1.3 (Debian's liblwip), its socket API after tcpip_init().
struct lwip {
    static constexpr const char* name = "lwip";
    static bool init() {
        static const bool ok = [] {
            static sem_t done;
            sem_init(&done, 0, 0);
            tcpip_init([](void*) { sem_post(&done); }, nullptr);
            sem_wait(&done);
            return true;
        }();
        return ok;
    }
    static int socket(triple a) { return lwip_socket(a.family, a.type, a.protocol); }
    static int close(int fd) { return lwip_close(fd); }
    static int getsockopt(int fd, int level, int optname, void* v, socklen_t* len) {
        return lwip_getsockopt(fd, level, optname, v, len);
    }
    static int fcntl(int fd, int cmd) { return lwip_fcntl(fd, cmd, 0); }
};

#if defined KBENCH_HAVE_LWIP_LEAN
//! The lean lwIP (bench/lwip_lean/): lwIP 2.1.3 from Debian's source,
//! static pools of 1024 netconns, TCP and UDP pcbs (as ks has room for
//! 1024 of each), core locking with no-op locks, lwip_init() and no tcpip
//! thread. Its socket numbers are its own (SOL_SOCKET is 0xfff).
struct lwip_lean {
    static constexpr const char* name = "lwip_lean";
    static bool init() {
        static const bool ok = (lean_lwip_start(), true);
        return ok;
    }
    static int socket(triple a) {
        return lean_lwip_socket(lean_af_inet,
                                a.type == ksock::sock_stream ? lean_sock_stream : lean_sock_dgram,
                                a.protocol);
    }
    static int close(int fd) { return lean_lwip_close(fd); }
    static int sol_socket() { return lean_sol_socket; }
    static int so_type() { return lean_so_type; }
    static int f_getfl() { return lean_f_getfl; }
    static int getsockopt(int fd, int level, int optname, void* v, socklen_t* len) {
        std::uint32_t l = *len;
        const int r = lean_lwip_getsockopt(fd, level, optname, v, &l);
        *len = l;
        return r;
    }
    static int fcntl(int fd, int cmd) { return lean_lwip_fcntl(fd, cmd, 0); }
};
#endif

#endif // KBENCH_KSOCK_ONLY

//! The floor (floor.hpp): a hand-written static-pool socket() + close() of
//! proto K, with room for 1024 of everything as ks has.
inline floor::world<1024> floor_world;
template <proto_kind K>
struct floor_stack {
    static constexpr const char* name = "floor";
    static bool init() {
        static const bool ok = (floor_world.create(), true);
        return ok;
    }
    static int socket(triple) {
        floor::world<1024>& w = floor_world;
        if constexpr (K == proto_kind::tcp)
            return w.open(w.tcp, ksock::inet::tcp_prot::defaults);
        else if constexpr (K == proto_kind::udp)
            return w.open(w.udp, ksock::inet::udp_prot::defaults);
        else
            return w.open(w.unix_socks, ksock::unix_domain::unix_stream_proto::defaults);
    }
    static int close(int fd) {
        floor::world<1024>& w = floor_world;
        if constexpr (K == proto_kind::tcp)
            return w.template close<ksock::inet::tcp_sock>(w.tcp, fd);
        else if constexpr (K == proto_kind::udp)
            return w.template close<ksock::inet::udp_sock>(w.udp, fd);
        else
            return w.template close<ksock::unix_domain::unix_sock>(w.unix_socks, fd);
    }
};

//! The host kernel: the system calls.
struct kernel {
    static constexpr const char* name = "kernel";
    static bool init() {
        // The batch keeps 1000 sockets open: raise RLIMIT_NOFILE if needed.
        rlimit rl{};
        if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
            return false;
        if (rl.rlim_cur < 2 * batch_size) {
            rl.rlim_cur = rl.rlim_max < 2 * batch_size ? rl.rlim_max : 2 * batch_size;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
        return true;
    }
    static int socket(triple a) { return ::socket(a.family, a.type, a.protocol); }
    static int close(int fd) { return ::close(fd); }
    static int getsockopt(int fd, int level, int optname, void* v, socklen_t* len) {
        return ::getsockopt(fd, level, optname, v, len);
    }
    static int fcntl(int fd, int cmd) { return ::fcntl(fd, cmd); }
};

// --- the cases ------------------------------------------------------------------

//! socket() then close(): run() returns close's result (0).
template <class Stack, proto_kind K>
struct socket_close {
    triple t = triple_of(K);
    bool setup() {
        launder(t);
        return Stack::init() && run() == 0;
    }
    int run() {
        const int fd = Stack::socket(t);
        if (fd < 0)
            return fd;
        return Stack::close(fd);
    }
    void teardown() {}
};

//! 1000 socket() calls, then 1000 close() calls.
template <class Stack, proto_kind K>
struct batch {
    triple t = triple_of(K);
    int fds[batch_size];
    bool setup() {
        launder(t);
        if (!Stack::init())
            return false;
        // One full round proves the capacity is there.
        return run() == 0;
    }
    int run() {
        int bad = 0;
        for (int& fd : fds) {
            fd = Stack::socket(t);
            bad |= fd < 0;
        }
        for (int fd : fds)
            if (fd >= 0)
                bad |= Stack::close(fd) != 0;
        return bad;
    }
    void teardown() {}
};

//! An open TCP socket and one call on it per run().
template <class Stack>
struct on_tcp_fd {
    int fd = -1;
    bool open() {
        triple t = triple_of(proto_kind::tcp);
        launder(t);
        if (!Stack::init())
            return false;
        fd = Stack::socket(t);
        return fd >= 0;
    }
    void teardown() {
        if (fd >= 0)
            Stack::close(fd);
        fd = -1;
    }
};

//! getsockopt(fd, SOL_SOCKET, SO_TYPE): run() returns the type (1).
//! The stack's numbers for SOL_SOCKET, SO_TYPE and F_GETFL (the host's,
//! unless the stack says otherwise: the lean lwIP has its own).
template <class Stack>
int sol_socket_of() {
    if constexpr (requires { Stack::sol_socket(); })
        return Stack::sol_socket();
    else
        return SOL_SOCKET;
}
template <class Stack>
int so_type_of() {
    if constexpr (requires { Stack::so_type(); })
        return Stack::so_type();
    else
        return SO_TYPE;
}
template <class Stack>
int f_getfl_of() {
    if constexpr (requires { Stack::f_getfl(); })
        return Stack::f_getfl();
    else
        return F_GETFL;
}

template <class Stack>
struct getsockopt_type : on_tcp_fd<Stack> {
    int level = sol_socket_of<Stack>();
    int optname = so_type_of<Stack>();
    bool setup() {
        launder(level);
        launder(optname);
        return this->open() && run() == SOCK_STREAM;
    }
    int run() {
        int v = 0;
        socklen_t len = sizeof v;
        const int r = Stack::getsockopt(this->fd, level, optname, &v, &len);
        return r == 0 ? v : -1;
    }
};

//! fcntl(fd, F_GETFL): run() returns the flags (O_RDWR).
template <class Stack>
struct fcntl_getfl : on_tcp_fd<Stack> {
    int cmd = f_getfl_of<Stack>();
    bool setup() {
        launder(cmd);
        return this->open() && run() >= 0;
    }
    int run() { return Stack::fcntl(this->fd, cmd); }
};

} // namespace kbench
