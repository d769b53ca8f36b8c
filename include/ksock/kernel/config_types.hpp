// ksock/kernel/config_types.hpp: the types a Config names, spelled once for
// the kernel context and the stack facade that both expose them, and the
// checks every Config must pass.
#pragma once

#include <cstddef>
#include <type_traits>

#include <ksock/policy/fault.hpp>
#include <ksock/policy/lock.hpp>
#include <ksock/policy/security.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/policy/wait.hpp>
#include <ksock/registry/net_devices.hpp>
#include <ksock/registry/registry.hpp>
#include <ksock/runtime/task.hpp>
#include <ksock/uapi/cmsg.hpp>

namespace ksock::kernel {

template <class Config>
//! The types a Config names, spelled once for the kernel context and the stack facade that both
//! expose them, and the checks every Config must pass (each failure a static_assert of its own).
struct config_types {
    using config = Config; //!< the configuration
    //! The families' compile-time tables.
    using registry = ksock::registry<typename Config::families>;
    //! Config::devices, checked (registry/net_devices.hpp).
    using devices = ksock::net_devices<typename Config::devices>;
    using trace_type = typename Config::trace;      //!< the trace policy (Config::trace)
    using lock_type = typename Config::lock;        //!< the lock policy (Config::lock)
    using fault_type = typename Config::fault;      //!< the fault policy (Config::fault)
    using wait_type = typename Config::wait;        //!< the wait policy (Config::wait)
    using task_type = ksock::task<Config::max_fds>; //!< a task with Config::max_fds descriptors
    //! Config::security's LSM hooks.
    using hooks_type = security_hooks<typename Config::security>;

    //! The checks, each a name, so that the stack can tell whether they all hold before it checks
    //! what depends on them (one message per mistake): at least one fd, socket and task; policies
    //! that model their concepts; a real lock under a blocking wait; skbs and SCM_RIGHTS lists
    //! within bounds.
    //!@{
    static constexpr bool capacities_ok =
        Config::max_fds > 0 && Config::max_sockets > 0 && Config::tasks > 0;
    static constexpr bool policies_ok =
        trace_policy<typename Config::trace> && lock_policy<typename Config::lock> &&
        fault_policy<typename Config::fault> && wait_policy<typename Config::wait>;
    static constexpr bool waiting_ok =
        !Config::wait::can_block || !std::is_same_v<typename Config::lock, no_lock>;
    static constexpr bool memory_ok = Config::skbs > 0 && Config::skb_data_size >= 64 &&
                                      Config::scm_fp_lists > 0 && Config::scm_max_fd > 0 &&
                                      Config::scm_max_fd <=
                                          static_cast<std::size_t>(ksock::scm_max_fd);
    //!@}
    //! Every check below holds.
    static constexpr bool valid = capacities_ok && policies_ok && waiting_ok && memory_ok;

    static_assert(capacities_ok, "ksock::stack<Config>: capacities must be at least 1");
    static_assert(trace_policy<typename Config::trace>,
                  "ksock::stack<Config>: Config::trace must model ksock::trace_policy");
    static_assert(lock_policy<typename Config::lock>,
                  "ksock::stack<Config>: Config::lock must have lock() and unlock()");
    static_assert(fault_policy<typename Config::fault>,
                  "ksock::stack<Config>: Config::fault must model ksock::fault_policy");
    static_assert(wait_policy<typename Config::wait>,
                  "ksock::stack<Config>: Config::wait must model ksock::wait_policy");
    static_assert(waiting_ok, "ksock::stack<Config>: a blocking Config::wait needs a real "
                              "Config::lock (a sleeping call releases it so that others can run)");
    static_assert(Config::skbs > 0 && Config::skb_data_size >= 64,
                  "ksock::stack<Config>: at least one skb of at least 64 data bytes is required");
    static_assert(Config::scm_fp_lists > 0 && Config::scm_max_fd > 0 &&
                      Config::scm_max_fd <= static_cast<std::size_t>(ksock::scm_max_fd),
                  "ksock::stack<Config>: Config::scm_fp_lists must be at least 1 and "
                  "Config::scm_max_fd between 1 and SCM_MAX_FD (253)");
};

} // namespace ksock::kernel
