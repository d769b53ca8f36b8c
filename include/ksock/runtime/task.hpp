// ksock/runtime/task.hpp: a task as the socket path sees `current`: credentials,
// its own fd table and soft RLIMIT_NOFILE, and the cgroup ids that
// sock_update_classid / sock_update_netprioidx copy into every new sock.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/runtime/cred.hpp>
#include <ksock/runtime/fd_table.hpp>

namespace ksock {

//! A task (struct task_struct, the parts the socket calls read): credentials, descriptors, cgroup
//! ids and pid, with at most \p MaxFds descriptors.
template <std::size_t MaxFds>
struct task {
    ksock::cred cred;      //!< the task's credentials (current_cred())
    fdtable<MaxFds> files; //!< its descriptors (current->files)
    //! Soft RLIMIT_NOFILE: fds must be below it. At most the table's capacity.
    unsigned rlimit_nofile;
    std::uint32_t cgroup_classid; //!< net_cls.classid
    std::uint16_t cgroup_prioidx; //!< net_prio index
    //! An interruption waiting to be delivered (kernel/signal.hpp): none,
    //! one whose call ends with EINTR, or one that restarts it (SA_RESTART).
    //! (In the padding before pid: a task is no larger for it.)
    std::uint8_t sigpending;
    int pid; //!< the pid (SO_PEERCRED, SCM_CREDENTIALS)

    static constexpr std::size_t fd_capacity = MaxFds; //!< descriptors the table holds

    //! rlimit(RLIMIT_NOFILE), clamped to the table: the table cannot grow.
    constexpr unsigned nofile() const noexcept {
        return rlimit_nofile < MaxFds ? rlimit_nofile : static_cast<unsigned>(MaxFds);
    }
};

} // namespace ksock
