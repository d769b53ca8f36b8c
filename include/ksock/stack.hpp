// ksock/stack.hpp: a socket stack, stack<Config>: what a program holds and
// calls. It checks the config, owns one kernel (kernel/context.hpp) and
// offers the system calls over it, each one line: take the stack's lock,
// run the call's body (kernel/). Every call returns kernel-style: a value
// >= 0 or -errno.
//
// A stack boots on first use, and no system call tests for it on its way:
// before boot no fd is open (the fd tables are valid zeroes, so every call
// on an fd says EBADF as it must), and socket() finds sockfs' cache not
// created yet, which is where it boots. The calls that reserve fds before
// creating anything (socketpair), the clock and the introspection boot
// first.
//
// Layering: nothing in include/ but default_config.hpp and the umbrella
// includes this header, and it names no family: a config that lists only a
// user's family compiles without inet/ and unix/.
#pragma once

// clang-format off
#include <ksock/platform.hpp> // first: below C++20 it stops the compiler with one message
// clang-format on

#include <cstddef>
#include <type_traits>

#include <ksock/kernel/context.hpp>
#include <ksock/kernel/dev_calls.hpp>
#include <ksock/kernel/file_calls.hpp>
#include <ksock/kernel/invariants.hpp>
#include <ksock/kernel/signal.hpp>
#include <ksock/kernel/sock_create.hpp>
#include <ksock/kernel/socket_calls.hpp>
#include <ksock/kernel/socket_io.hpp>
#include <ksock/kernel/timers.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/platform.hpp>
#include <ksock/policy/fault.hpp>
#include <ksock/policy/lock.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/policy/wait.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/registry/registry.hpp>
#include <ksock/uapi/cmsg.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

//! A socket stack of configuration \p Config: the system calls with Linux's semantics (each returns
//! its result or -errno, as the kernel does), the clock, the devices, and what tests look into. A
//! stack owns all its memory; a constinit one is .bss.
template <class Config>
class stack : public registry<typename Config::families> {
    using kernel_type = kernel::context<Config>;
    using lock_type = typename kernel_type::lock_type;

public:
    //! The families' compile-time tables.
    using registry_type = ksock::registry<typename Config::families>;
    using config = Config;                               //!< the configuration
    using fault_type = typename kernel_type::fault_type; //!< the fault policy (Config::fault)
    using task_type = typename kernel_type::task_type;   //!< a task: credentials and fd table
    using trace_type = typename kernel_type::trace_type; //!< the trace policy (Config::trace)
    using wakeup_fn = typename kernel_type::wakeup_fn;   //!< set_wakeup's callback type
    using invariant_report = kernel::invariant_report;   //!< check_invariants()'s result

    static_assert(!kernel::config_types<Config>::valid || stack_context<kernel_type>,
                  "ksock::stack<Config>: the kernel context must model ksock::stack_context");

    constexpr stack() noexcept = default;
    stack(const stack&) = delete;
    stack& operator=(const stack&) = delete;

    //! Bring the stack to its initial state now (sysctls at Linux's defaults,
    //! every task root with an empty fd table, the caches created). The
    //! first socket() does this when it is needed; call it early to change
    //! the sysctls or the credentials before. Safe to call from any thread:
    //! only the first call takes the lock.
    void boot() noexcept {
        if (k_.booted())
            return;
        lock_guard g(k_.lock_);
        k_.boot_locked();
    }

    // --- the system calls ---------------------------------------------------
    // clang-format off
    //! socket(2): the new fd, or -errno. Every call of the stack returns its
    //! result as the kernel does (a count, an fd, 0) or -errno; the C
    //! library's form (-1 and errno) is ksock::posix.
    int socket(int family, int type, int protocol) { guard g(k_); return kernel::sys_socket<void>(k_, family, type, protocol); }
    //! socket(2) with the triple resolved at compile time: an unsupported
    //! triple does not compile. Permission, pool and fd errors remain.
    template <int Family, int Type, int Protocol>
    int socket() { guard g(k_); return kernel::sys_socket<typename stack::template resolve<Family, Type, Protocol>>(k_, Family, Type, Protocol); }
    //! socketpair(2): 0 and sv[0], sv[1] set, or -errno.
    int socketpair(int family, int type, int protocol, int* sv) { booted_guard g(k_); return kernel::sys_socketpair(k_, family, type, protocol, sv); }
    //! The system call of that name: its result as the kernel returns it, or -errno.
    //!@{
    int close(int fd) { guard g(k_); return kernel::sys_close(k_, fd); }
    int dup(int fd) { guard g(k_); return kernel::sys_dup(k_, fd); }
    int dup2(int oldfd, int newfd) { guard g(k_); return kernel::sys_dup2(k_, oldfd, newfd); }
    //!@}
    //! fcntl(2): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL.
    int fcntl(int fd, int cmd, long arg = 0) { guard g(k_); return kernel::sys_fcntl(k_, fd, cmd, arg); }
    //! The system call of that name: its result as the kernel returns it (a count, an fd, 0), or
    //! -errno. A call that would block (connect, accept, send, recv, poll) sleeps under a blocking
    //! wait policy and is interrupted as Linux's are; under the default one it returns what a
    //! nonblocking call returns.
    //!@{
    int getsockopt(int fd, int level, int optname, void* optval, socklen_t* optlen) { guard g(k_); return kernel::sys_getsockopt(k_, fd, level, optname, optval, optlen); }
    int setsockopt(int fd, int level, int optname, const void* optval, socklen_t optlen) { guard g(k_); return kernel::sys_setsockopt(k_, fd, level, optname, optval, optlen); }
    int bind(int fd, const sockaddr* addr, socklen_t addrlen) { guard g(k_); return kernel::sys_bind(k_, fd, addr, addrlen); }
    int connect(int fd, const sockaddr* addr, socklen_t addrlen) { guard g(k_); return kernel::syscall_interruptible(k_, [&] { return kernel::sys_connect(k_, fd, addr, addrlen); }); }
    int listen(int fd, int backlog) { guard g(k_); return kernel::sys_listen(k_, fd, backlog); }
    int accept(int fd, sockaddr* addr, socklen_t* addrlen) { guard g(k_); return kernel::syscall_interruptible(k_, [&] { return kernel::sys_accept4(k_, fd, addr, addrlen, 0); }); }
    int accept4(int fd, sockaddr* addr, socklen_t* addrlen, int flags) { guard g(k_); return kernel::syscall_interruptible(k_, [&] { return kernel::sys_accept4(k_, fd, addr, addrlen, flags); }); }
    int getsockname(int fd, sockaddr* addr, socklen_t* addrlen) { guard g(k_); return kernel::sys_getname(k_, fd, addr, addrlen, 0); }
    int getpeername(int fd, sockaddr* addr, socklen_t* addrlen) { guard g(k_); return kernel::sys_getname(k_, fd, addr, addrlen, 1); }
    long send(int fd, const void* buf, std::size_t len, int flags) { return sendto(fd, buf, len, flags, nullptr, 0); }
    long sendto(int fd, const void* buf, std::size_t len, int flags, const sockaddr* addr, socklen_t addrlen) { guard g(k_); return kernel::syscall_interruptible(k_, [&] { return kernel::sys_sendto(k_, fd, buf, len, flags, addr, addrlen); }); }
    long sendmsg(int fd, const msghdr* msg, int flags) { guard g(k_); return kernel::syscall_interruptible(k_, [&] { return kernel::sys_sendmsg(k_, fd, msg, flags); }); }
    long recv(int fd, void* buf, std::size_t len, int flags) { return recvfrom(fd, buf, len, flags, nullptr, nullptr); }
    long recvfrom(int fd, void* buf, std::size_t len, int flags, sockaddr* addr, socklen_t* addrlen) { guard g(k_); return kernel::syscall_interruptible(k_, [&] { return kernel::sys_recvfrom(k_, fd, buf, len, flags, addr, addrlen); }); }
    long recvmsg(int fd, msghdr* msg, int flags) { guard g(k_); return kernel::syscall_interruptible(k_, [&] { return kernel::sys_recvmsg(k_, fd, msg, flags); }); }
    int shutdown(int fd, int how) { guard g(k_); return kernel::sys_shutdown(k_, fd, how); }
    int ioctl(int fd, unsigned long cmd, void* arg) { guard g(k_); return kernel::sys_ioctl(k_, fd, cmd, arg); }
    int poll(pollfd* fds, unsigned long nfds, int timeout_ms) { guard g(k_); return kernel::syscall_interruptible(k_, [&] { return kernel::sys_poll(k_, fds, nfds, timeout_ms); }); }
    //!@}
    // clang-format on

    //! Poll the devices (what arrived is received), advance the stack's
    //! clock by \p ms milliseconds and run what expires (TIME_WAIT, orphans,
    //! neighbours): the firmware's tick. advance(0) only polls.
    void advance(unsigned long ms) {
        booted_guard g(k_);
        kernel::run_timers(k_, ms);
    }
    //! The milliseconds until the earliest armed timer (a socket's, a
    //! neighbour's ...) expires, 0 if one is due, -1 if none is armed: how
    //! long a tickless firmware may sleep unless a device interrupts.
    long next_timer() {
        booted_guard g(k_);
        return kernel::next_timer(k_);
    }

    //! dev_open (`ip link set DEV up`): the driver's open, then the device
    //! is up; 0, the driver's error, or ENODEV.
    int dev_open(int ifindex) {
        booted_guard g(k_);
        return kernel::dev_open(k_, ifindex);
    }
    //! dev_close (`ip link set DEV down`): its neighbours, routes and queue
    //! go, the driver stops; 0 or ENODEV.
    int dev_close(int ifindex) {
        booted_guard g(k_);
        return kernel::dev_close(k_, ifindex);
    }

    //! Run \p f(context) under the stack's lock: for a family's own
    //! configuration calls (inet::ip_addr_add, inet::ip_route_add ...),
    //! which are free functions over the context, as Linux's rtnetlink
    //! handlers are.
    template <class F>
    decltype(auto) locked(F&& f) {
        booted_guard g(k_);
        return f(k_);
    }

    //! Call \p fn(user, socket, events) whenever a socket's callbacks fire
    //! (sk_data_ready: POLLIN, sk_write_space: POLLOUT, sk_state_change and
    //! sk_error_report: POLLIN | POLLOUT | POLLERR | POLLHUP), so that an
    //! event loop or an RTOS task can sleep until something changed and
    //! then poll(). Called with the stack lock held: the callback must not
    //! call into the stack. Null turns it off.
    void set_wakeup(wakeup_fn fn, void* user) noexcept {
        lock_guard g(k_.lock_);
        k_.wakeup_ = fn;
        k_.wakeup_user_ = user;
    }

    //! Interrupt task \p i as a signal with a handler would (pthread_kill;
    //! an RTOS's "cancel the wait"): the call it sleeps in, or the next of
    //! its calls that would sleep, returns what Linux returns then: EINTR,
    //! or the count when data already moved, or (\p restart: SA_RESTART)
    //! runs again where Linux restarts it: no timeout set, not poll
    //! (kernel/signal.hpp). A stack that cannot sleep has nothing to interrupt.
    void interrupt(std::size_t i, bool restart = false) noexcept requires(kernel_type::can_block) {
        if (i >= Config::tasks)
            return;
        guard g(k_);
        kernel::signal_task(k_, i, restart);
    }

    // --- tasks, namespace, introspection ----------------------------------

    //! The calling task (`current`).
    task_type& current() noexcept { return booted().current_task(); }
    //! Task \p i (0 <= i < Config::tasks).
    task_type& task(std::size_t i) noexcept { return booted().task(i); }
    //! Make task \p i the caller of the following calls (a context switch).
    void set_current(std::size_t i) noexcept {
        if (i < Config::tasks)
            booted().current_ = static_cast<unsigned>(i);
    }
    //! How many tasks the stack has (Config::tasks).
    static constexpr std::size_t task_count() noexcept { return Config::tasks; }
    //! The stack's net namespace, and a family's part of it (its
    //! pernet_type: inet::netns_ipv4, unix_domain::netns_unix ...).
    //!@{
    ksock::net& net() noexcept { return booted().net(); }
    template <class T>
    T& pernet() noexcept {
        return booted().template pernet<T>();
    }
    //!@}
    //! The instance of device driver \p D of Config::devices (a driver's
    //! own settings: its interface, its link), as it is before boot too.
    template <class D>
    D& device() noexcept {
        return k_.template device<D>();
    }
    //! The stack's state of device \p ifindex (flags, MTU, queue, the
    //! counters `ip -s link` prints), or null when there is no such device.
    const net_device_state* netdev(int ifindex) noexcept {
        return booted().dev_get_by_index(ifindex);
    }
    //! The ifindex of device driver \p D: its position in Config::devices + 1.
    template <class D>
    static constexpr int ifindex_of() noexcept {
        return kernel::config_types<Config>::devices::template ifindex_of<D>;
    }

    //! The socket, sock or file behind \p fd of the calling task, or null.
    //!@{
    ksock::socket* socket_of(int fd) noexcept { return booted().sockfd_lookup(fd); }
    sock* sk_of_fd(int fd) noexcept {
        ksock::socket* so = socket_of(fd);
        return so ? so->sk : nullptr;
    }
    ksock::file* file_of(int fd) noexcept { return booted().fdget(fd); }
    //!@}

    //! Live objects in proto P's pool; live socket_alloc, file, skb objects;
    //! scm_fp_lists in use (messages carrying files).
    //!@{
    template <class P>
    std::size_t objects_in_use() noexcept {
        return k_.pools_.template slot<P>().objects.in_use();
    }
    std::size_t sockets_in_use() const noexcept { return k_.sockets_.in_use(); }
    std::size_t files_in_use() const noexcept { return k_.files_in_use(); }
    std::size_t skbs_in_use() const noexcept { return k_.skbs_.in_use(); }
    std::size_t scm_fp_lists_in_use() const noexcept { return k_.scm_fp_.in_use(); }
    //!@}
    //! Per-proto state (e.g. the raw hash table).
    template <class P>
    typename P::state_type& proto_state() noexcept {
        return k_.template proto_state<P>();
    }

    //! Every structural rule that must hold between two calls
    //! (kernel/invariants.hpp): ok, or the first broken rule.
    invariant_report check_invariants() noexcept {
        booted_guard g(k_);
        return kernel::check_invariants(k_);
    }
    //! Nothing is allocated and no fd is open in any task.
    bool empty() noexcept {
        booted_guard g(k_);
        return kernel::empty(k_);
    }

    //! The policies' objects: the trace, the fault injector, the security hooks.
    //!@{
    trace_type& trace() noexcept { return k_.trace_; }
    fault_type& fault() noexcept { return k_.fault_; }
    security_hooks<typename Config::security>& security() noexcept { return k_.hooks_; }
    //!@}
    //! The kernel under the facade: what families, protos and ops are
    //! handed. For tests and tools; a program calls the stack.
    kernel_type& context() noexcept { return booted(); }

    //! The stack's whole static RAM, in bytes: pools, fd tables, namespace.
    static constexpr std::size_t static_ram() noexcept { return sizeof(stack); }
    //! The part of it that is proto pools.
    static constexpr std::size_t proto_pool_ram() noexcept {
        return sizeof(kernel::proto_pools<Config, typename registry_type::protos>);
    }

private:
    //! The one preamble of every system call: the stack lock held for the
    //! call's whole duration (no_lock: nothing at all).
    struct guard {
        lock_guard<lock_type> lock;
        explicit guard(kernel_type& k) noexcept : lock(k.lock_) {}
    };
    //! The same, for a call that needs the booted state before anything
    //! tells it so (the test inline, the work out of line and cold).
    struct booted_guard {
        lock_guard<lock_type> lock;
        explicit booted_guard(kernel_type& k) noexcept : lock(k.lock_) { k.boot_locked(); }
    };

    kernel_type& booted() noexcept {
        boot();
        return k_;
    }

    kernel_type k_{};
};

} // namespace ksock
