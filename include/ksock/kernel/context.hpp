// ksock/kernel/context.hpp: the kernel of one stack: its state (pools, file
// and socket objects, tasks, the net namespace, the clock) and the services
// the code its registries plug in calls (Linux's `current`, the slab caches,
// the sock callbacks, fget/fput for ancillary data). A family, proto or ops
// type is handed this object as its `Ctx&`; the system calls of kernel/ work
// on it; the user's stack<Config> owns one and never hands it out to users
// except through stack::context().
//
// The state is public to kernel/ (the system-call bodies are free functions
// over it), but nothing outside kernel/ touches a member ending in `_`.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/core/dev.hpp>
#include <ksock/core/scm.hpp>
#include <ksock/core/skbuff.hpp>
#include <ksock/core/sock_init.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/kernel/config_types.hpp>
#include <ksock/kernel/file_table.hpp>
#include <ksock/kernel/storage.hpp>
#include <ksock/objects/kfunc.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/platform.hpp>
#include <ksock/policy/fault.hpp>
#include <ksock/policy/security.hpp>
#include <ksock/registry/registry.hpp>
#include <ksock/runtime/jiffies.hpp>
#include <ksock/runtime/net.hpp>
#include <ksock/runtime/pool.hpp>
#include <ksock/runtime/task.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/poll.hpp>

namespace ksock::kernel {

template <class Config>
//! The kernel of one stack: its state (pools, sockets and files, tasks, the namespace, devices, the
//! clock) and the services (stack_context) that families, protos and ops call through their `Ctx&`.
//! The user's ksock::stack<Config> owns one.
class context : public config_types<Config> {
    using types = config_types<Config>;

public:
    using typename types::devices;
    //! The configuration's types (config_types), and the registry's protosw entries and distinct
    //! protos.
    //!@{
    using typename types::fault_type;
    using typename types::hooks_type;
    using typename types::lock_type;
    using typename types::registry;
    using typename types::task_type;
    using typename types::trace_type;
    using typename types::wait_type;
    using entries = typename registry::entries;
    using protos = typename registry::protos;
    //!@}
    //! Whether the registry has proto P: the IP layer's receive path
    //! delivers to raw, ping and UDP(-Lite) sockets only where their protos
    //! are registered (a firmware with TCP alone has none of them).
    template <class P>
    static constexpr bool has_proto = ksock::detail::contains_v<P, protos>;
    //! Whether the stack has a device besides lo: only then can a route
    //! leave the host, and TCP send real segments (a stack with lo alone
    //! links none of that code).
    static constexpr bool has_wire_devices = types::devices::count >
                                             (types::devices::has_loopback ? 1u : 0u);
    //! What a stack calls when a socket's callbacks fire (see stack::set_wakeup).
    using wakeup_fn = void (*)(void* user, ksock::socket& so, unsigned events);

    //! Whether a call may sleep (the wait policy): a data-path call that
    //! would block returns EAGAIN when it may not.
    static constexpr bool can_block = wait_type::can_block;

    constexpr context() noexcept = default;
    context(const context&) = delete;
    context& operator=(const context&) = delete;

    // --- boot -------------------------------------------------------------

    //! With the stack lock held (or a single thread). The system calls that
    //! take an fd do not come here: before boot no fd is open and the fd
    //! tables (outside the lazy state) say EBADF as they should. socket()
    //! does not either: the socket cache is created at boot, so its
    //! exhaustion is where an unbooted stack shows (sock_take()).
    void boot_locked() noexcept {
        if (KSOCK_LIKELY(platform::load_relaxed(&booted_)))
            return;
        boot_slow();
    }
    bool booted() const noexcept { return platform::load_acquire(&booted_); } //!< boot has run

    // --- the services of the stack_context concept ---------------------------

    ksock::net& net() noexcept { return state_.value.net; } //!< the stack's one network namespace
    //! A family's part of the namespace (its pernet_type: netns_ipv4 ...).
    template <class T>
    T& pernet() noexcept {
        return state_.value.pernet.template get<T>();
    }
    //! The calling task's credentials (current_cred()).
    const ksock::cred& current_cred() noexcept { return current_task().cred; }
    //! The calling task's net_cls classid.
    std::uint32_t cgroup_classid() noexcept { return current_task().cgroup_classid; }
    //! The calling task's net_prio index.
    std::uint16_t cgroup_prioidx() noexcept { return current_task().cgroup_prioidx; }
    trace_type& trace() noexcept { return trace_; } //!< the trace policy

    //! A P::obj_type from P's pool (sk_prot_alloc), or null.
    template <class P>
    typename P::obj_type* obj_alloc() noexcept {
        if (fault_.should_fail(fault_site::sk_alloc))
            return nullptr;
        return pools_.template slot<P>().objects.alloc();
    }
    //! The same slot, not zeroed: for a creation path that writes every
    //! byte of it (a copy of the proto's image).
    template <class P>
    KSOCK_ALWAYS_INLINE typename P::obj_type* obj_take() noexcept {
        if (fault_.should_fail(fault_site::sk_alloc))
            return nullptr;
        return pools_.template slot<P>().objects.take();
    }
    template <class P>
    //! Give \p o back to P's pool (sk_prot_free).
    void obj_free(typename P::obj_type* o) noexcept {
        pools_.template slot<P>().objects.free(o);
    }
    //! P's per-stack state (P::state_type: hash tables).
    template <class P>
    typename P::state_type& proto_state() noexcept {
        return pools_.template slot<P>().state;
    }
    //! f(P::obj_type&) for every live object of P.
    template <class P, class F>
    void for_each_obj(F&& f) {
        if constexpr (!has_proto<P>) {
            (void)f; // a proto the registry lacks has no objects
        } else {
            for_each_live_obj<P>(f);
        }
    }
    //! for_each_obj's loop over P's pool.
    template <class P, class F>
    void for_each_live_obj(F& f) {
        auto& objs = pools_.template slot<P>().objects;
        for (std::size_t i = 0; i < Config::template proto_objects<P>; ++i)
            if (objs.live(i))
                f(objs.slot(i));
    }

    //! Sleep (the stack lock released) until a wake-up or \p timeo jiffies.
    //! Other tasks run meanwhile and switch `current`; the sleeper is
    //! `current` again when it wakes (its credentials, its fds, its signals).
    void wait(long& timeo) requires(wait_type::can_block) {
        const unsigned me = current_;
        wait_.wait(lock_, timeo);
        current_ = me;
    }
    //! signal_pending(current): the calling task has an interruption to take
    //! (kernel/signal.hpp). A stack that cannot sleep has none.
    bool signal_pending() noexcept {
        if constexpr (wait_type::can_block)
            return current_task().sigpending != 0;
        else
            return false;
    }
    //! The clock, in ticks (runtime/jiffies.hpp).
    unsigned long jiffies() const noexcept { return jiffies_; }

    //! One skb chunk, zeroed, with its data area; null when the pool is out.
    sk_buff* skb_alloc() noexcept {
        if (fault_.should_fail(fault_site::skb_alloc))
            return nullptr;
        const std::size_t i = skbs_.take_index();
        if (i == skbs_.none)
            return nullptr;
        sk_buff* s = &skbs_.slot(i);
        *s = sk_buff{};
        s->head = skb_data_[i];
        s->cap = static_cast<std::uint32_t>(Config::skb_data_size);
        return s;
    }
    void skb_free(sk_buff* s) noexcept { skbs_.free(s); } //!< back to the pool
    //! skb chunks free in the pool, and its size.
    std::size_t skbs_available() const noexcept { return skbs_.available(); }
    static constexpr std::size_t skbs_capacity = Config::skbs; //!< skb chunks in the pool

    //! sk_free_final for a sock of any proto: its pool is its creator's.
    void sk_free_any(sock& sk) noexcept {
        bool done = false;
        ksock::detail::for_each_type(protos{}, [&]<class P>() {
            if (!done && sk.sk_prot_creator == proto_desc_v<P>) {
                done = true;
                sk_free_final<P>(*this, sk);
            }
        });
    }

    //! sock_def_readable and the protocols' data_ready.
    void sk_data_ready(sock& sk) noexcept {
        wake_up(sk, pollin | pollrdnorm | pollrdband, "sk_data_ready", sk.sk_data_ready);
    }
    //! sock_def_write_space, sk_stream_write_space, unix_write_space.
    void sk_write_space(sock& sk) noexcept {
        wake_up(sk, pollout | pollwrnorm | pollwrband, "sk_write_space", sk.sk_write_space);
    }
    //! sock_def_wakeup.
    void sk_state_change(sock& sk) noexcept {
        wake_up(sk, pollin | pollout | pollerr | pollhup | pollrdnorm | pollwrnorm,
                "sk_state_change", sk.sk_state_change);
    }
    //! sock_def_error_report.
    void sk_error_report(sock& sk) noexcept {
        wake_up(sk, pollerr, "sk_error_report", sk.sk_error_report);
    }

    // Files and tasks for ancillary data (SCM_RIGHTS: fs/file.c,
    // net/core/scm.c; SCM_CREDENTIALS and SO_PEERCRED name the caller).

    //! task_tgid_vnr(current).
    int current_pid() noexcept { return current_task().pid; }
    //! find_get_pid: does a task have \p pid?
    bool find_pid(int pid) noexcept {
        for (std::size_t i = 0; i < Config::tasks; ++i)
            if (pid > 0 && tasks_[i].pid == pid)
                return true;
        return false;
    }
    //! fget_raw: the file behind \p fd with a reference of its own, or null.
    ksock::file* fget_raw(int fd) noexcept {
        ksock::file* f = current_task().files.lookup(fd);
        if (f)
            ++f->f_count;
        return f;
    }
    //! fput for a reference a protocol holds (a release it causes inside
    //! another release is deferred; see kernel::fput).
    void fput_file(ksock::file* f) { kernel::fput(*this, f); }
    //! receive_fd: a new fd in the calling task for \p f (lowest free;
    //! O_CLOEXEC in \p flags), with a reference of its own; -EMFILE. A socket
    //! received joins the receiver's cgroups (__receive_sock).
    int install_fd(ksock::file* f, unsigned flags) noexcept {
        task_type& t = current_task();
        const int fd = f_dupfd(t, 0, f, flags);
        if (fd < 0)
            return fd;
        if (auto* so = static_cast<ksock::socket*>(f->private_data); so && so->sk) {
            so->sk->sk_cgrp_data.classid = t.cgroup_classid;
            so->sk->sk_cgrp_data.prioidx = t.cgroup_prioidx;
        }
        return fd;
    }
    //! An empty scm_fp_list of Config::scm_max_fd files, or null (ENOMEM).
    scm_fp_list* scm_fp_alloc() noexcept {
        const std::size_t i = scm_fp_.take_index();
        if (i == scm_fp_.none)
            return nullptr;
        scm_fp_list* l = &scm_fp_.slot(i);
        *l = scm_fp_list{};
        l->max = static_cast<short>(Config::scm_max_fd);
        l->fp = scm_fp_files_[i];
        return l;
    }
    void scm_fp_free(scm_fp_list* l) noexcept { scm_fp_.free(l); } //!< back to the pool
    //! How many in-flight references to \p f the lists hold.
    long scm_fp_refs(const ksock::file* f) noexcept {
        long n = 0;
        for (std::size_t i = 0; i < Config::scm_fp_lists; ++i)
            if (scm_fp_.live(i))
                for (short j = 0; j < scm_fp_.slot(i).count; ++j)
                    n += scm_fp_.slot(i).fp[j] == f;
        return n;
    }

    // --- devices ----------------------------------------------------------------

    //! The instance of device driver \p D (one of Config::devices).
    template <class D>
    D& device() noexcept {
        static_assert(devices::template has<D>,
                      "ksock::kernel::context::device<D>: D is not in Config::devices");
        return devs_.template get<D>();
    }
    //! The stack's state of device \p ifindex, or null when there is none
    //! (dev_get_by_index).
    net_device_state* dev_get_by_index(int ifindex) noexcept {
        if (ifindex < 1 || static_cast<std::size_t>(ifindex) > devices::count)
            return nullptr;
        return &netdev_[ifindex - 1];
    }
    //! `f.template operator()<D>(D& driver, net_device_state&)` for the device
    //! of \p ifindex (the generated switch). Precondition: it exists.
    template <class F>
    decltype(auto) with_device(int ifindex, F&& f) {
        return devices::with_device(ifindex, [&]<class D>() -> decltype(auto) {
            return f.template operator()<D>(devs_.template get<D>(), netdev_[ifindex - 1]);
        });
    }
    //! dev_queue_xmit (core/dev.hpp) on device \p ifindex; ENODEV (the skb
    //! freed) when there is none.
    int dev_queue_xmit(int ifindex, sk_buff* skb, const unsigned char* hh, std::size_t hh_len,
                       std::uint16_t protocol) {
        if constexpr (devices::count == 0) {
            (void)ifindex;
            (void)hh;
            (void)hh_len;
            (void)protocol;
            kfree_skb(*this, skb);
            return -enodev;
        } else {
            if (!dev_get_by_index(ifindex)) {
                kfree_skb(*this, skb);
                return -enodev;
            }
            return with_device(ifindex, [&]<class D>(D& d, net_device_state& st) {
                return ksock::dev_queue_xmit(*this, d, st, skb, hh, hh_len, protocol);
            });
        }
    }

    // --- tasks and descriptors (kernel/ only) ---------------------------------

    //! `current`.
    task_type& current_task() noexcept {
        if constexpr (Config::tasks == 1)
            return tasks_[0];
        else
            return tasks_[current_];
    }
    //! Task \p i (0 .. Config::tasks - 1).
    task_type& task(std::size_t i) noexcept { return tasks_[i]; }

    //! get_unused_fd_flags / alloc_fd(start, rlimit, flags), with the fault
    //! policy asked first.
    int get_unused_fd_flags(task_type& t, unsigned start, unsigned flags) noexcept {
        if (fault_.should_fail(fault_site::fd_alloc))
            return -emfile;
        return t.files.alloc_fd(start, t.nofile(), flags);
    }

    //! f_dupfd: the lowest free fd >= \p start of task \p t for \p f, with a
    //! reference of its own (dup, F_DUPFD, receive_fd); -EMFILE.
    int f_dupfd(task_type& t, unsigned start, ksock::file* f, unsigned flags) noexcept {
        const int fd = get_unused_fd_flags(t, start, flags);
        if (fd >= 0) {
            ++f->f_count;
            t.files.fd_install(static_cast<unsigned>(fd), f);
        }
        return fd;
    }

    //! fdget: the calling task's file at \p fd, or null (EBADF).
    ksock::file* fdget(int fd) noexcept { return current_task().files.lookup(fd); }
    //! sockfd_lookup: the socket behind \p fd, or null (EBADF; every file
    //! of a ksock stack is a socket, so ENOTSOCK cannot happen).
    ksock::socket* sockfd_lookup(int fd) noexcept {
        ksock::file* f = fdget(fd);
        return f ? static_cast<ksock::socket*>(f->private_data) : nullptr;
    }

    //! sock_alloc's slot from sockfs' cache (socket_alloc and file, see
    //! sockfs_slot), not zeroed: sock_alloc writes every field. On a stack
    //! that has not booted the cache has no slot yet: boot, then take one.
    KSOCK_ALWAYS_INLINE sockfs_slot* sock_take() noexcept {
        if (sockfs_slot* s = sockets_.take())
            return s;
        return sock_take_slow();
    }
    //! The file that sock_alloc_file gives \p so: its slot's.
    static ksock::file* file_of_slot(ksock::socket* so) noexcept {
        return &reinterpret_cast<sockfs_slot*>(so)->file;
    }
    //! Live files: sockets whose slot's file is in use.
    std::size_t files_in_use() const noexcept {
        std::size_t n = 0;
        for (std::size_t i = 0; i < Config::max_sockets; ++i)
            n += sockets_.live(i) && sockets_.slot(i).alloc.socket.file;
        return n;
    }

    // --- the state: everything zero until boot --------------------------------
    //! What boot gives its values (Linux's defaults are not zero): kept in
    //! a union that stays all-zero until then, so a constinit stack is .bss.
    struct booted_state {
        ksock::net net; //!< the namespace: loopback, addresses, sysctls
        pernet_storage<Config, typename Config::families> pernet; //!< each family's pernet part
    };
    proto_pools<Config, protos> pools_{}; //!< one object pool per proto
    //! Sockfs' cache: socket, inode and file together.
    pool<sockfs_slot, Config::max_sockets> sockets_{};
    lazy<booted_state> state_{}; //!< zero until boot
    //! The tasks: zero is a valid table (no fd open) before boot, which
    //! gives them their credentials, RLIMIT_NOFILE and pids.
    task_type tasks_[Config::tasks]{};
    pool<sk_buff, Config::skbs> skbs_{}; //!< the skb chunks
    //! SCM_RIGHTS: the lists of files in flight, and their files by slot.
    pool<scm_fp_list, Config::scm_fp_lists> scm_fp_{};
    //! The files each SCM_RIGHTS list carries.
    ksock::file* scm_fp_files_[Config::scm_fp_lists][Config::scm_max_fd]{};
    //! The skbs' data chunks, by skb slot; never zeroed (data is written
    //! before it is read).
    unsigned char skb_data_[Config::skbs][Config::skb_data_size]{};
    //! The device drivers' instances, and the stack's state of each device
    //! (index ifindex - 1).
    device_storage<typename Config::devices> devs_{};
    //! Each device's state, index ifindex - 1.
    net_device_state netdev_[devices::count ? devices::count : 1]{};
    unsigned long last_ino_ = 0;  //!< the last inode number given (get_next_ino)
    unsigned long jiffies_ = 0;   //!< the clock
    wakeup_fn wakeup_ = nullptr;  //!< set_wakeup's function, or null
    void* wakeup_user_ = nullptr; //!< wakeup_'s argument
    unsigned current_ = 0;        //!< index of the current task
    //! An fput is running: a file whose last reference goes waits for it,
    //! counted in fput_deferred_.
    bool fput_busy_ = false;
    unsigned fput_deferred_ = 0; //!< files whose final fput waits for the running one
    //! Read and written with the platform's atomic builtins (not
    //! std::atomic, whose header costs a quarter of a second of compile
    //! time in C++20 mode).
    bool booted_ = false;
    //! The policies (Config::security, trace, lock, fault, wait): empty objects for the default
    //! policies, so they take no room.
    //!@{
    [[no_unique_address]] hooks_type hooks_{};
    [[no_unique_address]] trace_type trace_{};
    [[no_unique_address]] lock_type lock_{};
    [[no_unique_address]] fault_type fault_{};
    [[no_unique_address]] wait_type wait_{};
    //!@}

private:
    KSOCK_NOINLINE KSOCK_COLD void boot_slow() noexcept {
        state_.value = booted_state{};
        for (std::size_t i = 0; i < Config::tasks; ++i) {
            task_type& t = tasks_[i];
            t.cred = cred::root();
            t.rlimit_nofile = static_cast<unsigned>(Config::max_fds);
            t.pid = static_cast<int>(i) + 1;
        }
        // The slab caches (kmem_cache_create at init).
        ksock::detail::for_each_type(
            protos{}, [&]<class P>() { pools_.template slot<P>().objects.create(); });
        sockets_.create();
        skbs_.create();
        scm_fp_.create();
        int ifindex = 1;
        ksock::detail::for_each_type(typename devices::list{}, [&]<class D>() {
            netdev_register(devs_.template get<D>(), netdev_[ifindex - 1], ifindex);
            ++ifindex;
        });
        // pernet_operations' .init of every family, in registration order.
        ksock::detail::for_each_type(typename registry::families{}, [&]<class F>() {
            if constexpr (family_has_net_init<F, context>)
                F::net_init(*this);
        });
        platform::store_release(&booted_, true);
    }

    KSOCK_NOINLINE KSOCK_COLD sockfs_slot* sock_take_slow() noexcept {
        if (booted())
            return nullptr; // the cache is full: ENFILE
        boot_slow();
        return sockets_.take();
    }

    //! Every sleeper re-checks, the readiness callback hears of it; the
    //! trace names the sock's callback (sock_def_readable, unix_write_space ...).
    void wake_up(sock& sk, unsigned events, [[maybe_unused]] const char* callback,
                 [[maybe_unused]] kfunc fn) noexcept {
        if constexpr (trace_type::enabled)
            trace_.text(callback, registry::kfunc_name(fn));
        wait_.wake_all();
        if (wakeup_ && sk.sk_socket)
            wakeup_(wakeup_user_, *sk.sk_socket, events);
    }
};

} // namespace ksock::kernel
