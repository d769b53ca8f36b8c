// ksock/runtime/cred.hpp: a task's credentials (struct cred, include/linux/cred.h)
// as the socket path consults them: ids, supplementary groups, capabilities.
#pragma once

#include <cstdint>

#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

//! kernel_cap_t: the effective capability set, one bit per CAP_*.
struct kernel_cap_t {
    std::uint64_t val; //!< bit n: CAP_n (uapi/capability.hpp)
};

inline constexpr int ngroups_max_static = 16; //!< ksock's fixed group_info size

//! struct cred (include/linux/cred.h): the ids and capabilities a task acts with, what the socket
//! layer checks and stamps on what it creates.
struct cred {
    uid_t uid;                        //!< real user id
    gid_t gid;                        //!< real group id
    uid_t euid;                       //!< effective user id (SO_PEERCRED, permission checks)
    gid_t egid;                       //!< effective group id
    uid_t fsuid;                      //!< filesystem user id: owns the socket inode
    gid_t fsgid;                      //!< filesystem group id: owns the socket inode
    gid_t groups[ngroups_max_static]; //!< supplementary groups
    int ngroups;                      //!< entries of groups in use
    kernel_cap_t cap_effective;       //!< the capabilities a check sees (capable, ns_capable)

    //! capable(cap) / ns_capable(): is \p cap in the effective set?
    constexpr bool has(int cap) const noexcept {
        return cap >= 0 && cap <= cap_last_cap && ((cap_effective.val >> cap) & 1U);
    }
    //! Add \p cap to the effective set.
    constexpr cred& raise(int cap) noexcept {
        if (cap >= 0 && cap <= cap_last_cap)
            cap_effective.val |= std::uint64_t{1} << cap;
        return *this;
    }
    //! Remove \p cap from the effective set.
    constexpr cred& drop(int cap) noexcept {
        if (cap >= 0 && cap <= cap_last_cap)
            cap_effective.val &= ~(std::uint64_t{1} << cap);
        return *this;
    }
    //! Add a supplementary group; false when the fixed table is full.
    constexpr bool add_group(gid_t g) noexcept {
        if (ngroups >= ngroups_max_static)
            return false;
        groups[ngroups++] = g;
        return true;
    }
    //! Every capability, as root has after exec.
    static constexpr cred root() noexcept {
        cred c{};
        c.cap_effective.val = (std::uint64_t{1} << (cap_last_cap + 1)) - 1;
        return c;
    }
    //! An unprivileged user: ids set, no capabilities.
    static constexpr cred user(uid_t u, gid_t g) noexcept {
        cred c{};
        c.uid = c.euid = c.fsuid = u;
        c.gid = c.egid = c.fsgid = g;
        return c;
    }
};

} // namespace ksock
