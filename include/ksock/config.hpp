// ksock/config.hpp: the configuration a stack is built from: its families,
// capacities and policies. Derive from default_config and override what
// differs; every member is read at compile time.
#pragma once

#include <cstddef>

#include <ksock/detail/type_list.hpp>
#include <ksock/fault.hpp>
#include <ksock/inet/family.hpp>
#include <ksock/lock.hpp>
#include <ksock/trace.hpp>
#include <ksock/unix/af_unix.hpp>

namespace ksock {

struct default_config {
    //! The registered families, in sock_register order.
    using families = type_list<unix_family, inet_family>;
    //! Descriptors per task (the fd table's capacity; RLIMIT_NOFILE <= this).
    static constexpr std::size_t max_fds = 64;
    //! sockets (socket_alloc + file) in the whole stack.
    static constexpr std::size_t max_sockets = 64;
    //! Tasks sharing the stack, each with its own fd table and credentials.
    static constexpr std::size_t tasks = 1;
    //! Objects per proto (the slab of obj_size); specialise per proto by
    //! shadowing this template in a derived config.
    template <class Proto>
    static constexpr std::size_t proto_objects = 32;
    //! Security hook policies (LSM), in call order.
    using security = type_list<>;
    //! Trace policy: null_trace (off) or print_trace.
    using trace = null_trace;
    //! Lock policy: no_lock, ksock::spinlock, std::mutex ...
    using lock = no_lock;
    //! Fault-injection policy: no_faults, or fail_nth for tests.
    using fault = no_faults;
};

} // namespace ksock
