// ksock/unix/unix_kfunc.hpp: the callbacks PF_UNIX installs in its socks
// (net/unix/af_unix.c), as kfunc ids of its own range.
#pragma once

#include <cstdint>

#include <ksock/objects/kfunc.hpp>

namespace ksock::unix_domain::kf {

inline constexpr std::uint8_t base = kfunc_family_base + 32; // after PF_INET's range
inline constexpr kfunc unix_sock_destructor{base + 0};
inline constexpr kfunc unix_write_space{base + 1};
inline constexpr kfunc unix_dgram_peer_wake_relay{base + 2};

inline constexpr const char* names[] = {"unix_sock_destructor", "unix_write_space",
                                        "unix_dgram_peer_wake_relay"};

//! PF_UNIX's names, registered with the family (unix_family::kfuncs).
inline constexpr kfunc_table table{base, sizeof names / sizeof names[0], names};

//! The kernel's name of a core or PF_UNIX callback.
constexpr const char* name(kfunc f) noexcept {
    return kfunc_name(f, table);
}

} // namespace ksock::unix_domain::kf
