// ksock/config.hpp: what a stack is built from: its families, capacities and
// policies. stack_config names no family: derive from it, list your
// families, and override what differs; every member is read at compile time.
// default_config (default_config.hpp) is this with PF_UNIX and PF_INET.
#pragma once

// clang-format off
#include <ksock/platform.hpp> // first: below C++20 it stops the compiler with one message
// clang-format on

#include <cstddef>

#include <ksock/detail/type_list.hpp>
#include <ksock/policy/fault.hpp>
#include <ksock/policy/lock.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/policy/wait.hpp>

namespace ksock {

//! The configuration a stack is built from: derive from it (or from default_config) and shadow what
//! changes; every capacity is fixed at compile time.
struct stack_config {
    //! The registered families, in sock_register order: a derived config
    //! must list at least one.
    using families = type_list<>;
    //! The network devices, in register_netdevice order: the first is
    //! ifindex 1, and must be lo (ksock::drivers::loopback, drivers/loopback.hpp)
    //! when a family that routes packets (PF_INET) is listed. Each element
    //! models ksock::net_device (registry/net_device.hpp). None by default:
    //! families that never touch a device need none.
    using devices = type_list<>;
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
    //! Socket buffers in the whole stack (the skbs of every queue), and the
    //! data bytes each holds; a longer message takes several. Their sum is
    //! all the data a stack can hold in flight: 64 x 2 KiB here.
    //!@{
    static constexpr std::size_t skbs = 64;
    static constexpr std::size_t skb_data_size = 2048;
    //!@}
    //! SCM_RIGHTS: lists of files in flight (struct scm_fp_list; a message
    //! carrying fds holds one until it is received or dropped; none left:
    //! the send is ENOMEM) and the files one list, so one message, holds.
    //! Linux's SCM_MAX_FD is 253; ksock's default is smaller to keep the
    //! pool small (8 x 16 pointers): a message with more fds is EINVAL, as
    //! one with more than 253 is in Linux. At most 253.
    //!@{
    static constexpr std::size_t scm_fp_lists = 8;
    static constexpr std::size_t scm_max_fd = 16;
    //!@}
    //! Security hook policies (LSM), in call order.
    using security = type_list<>;
    //! Trace policy: null_trace (off) or print_trace.
    using trace = null_trace;
    //! Lock policy: no_lock, ksock::spinlock, std::mutex ...
    using lock = no_lock;
    //! Fault-injection policy: no_faults, or fail_nth for tests.
    using fault = no_faults;
    //! Wait policy: no_wait (a call that would block returns EAGAIN) or a
    //! blocking one such as ksock::condvar_wait (then lock must be a mutex).
    using wait = no_wait;
};

} // namespace ksock
