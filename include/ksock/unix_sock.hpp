// ksock/unix_sock.hpp: struct unix_sock (include/net/af_unix.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/kfunc.hpp>
#include <ksock/sock.hpp>

namespace ksock {

struct unix_address;

//! struct path: where a bound filesystem socket lives (none in ksock yet).
struct path {
    void* mnt;
    void* dentry;
};

//! wait_queue_entry_t as unix_sock::peer_wake uses it.
struct wait_queue_entry {
    kfunc func;
    void* priv;
};

struct unix_sock {
    sock sk;
    unix_address* addr;
    ksock::path path;
    mutex_t iolock;
    mutex_t bindlock;
    sock* peer;
    sock* listener;
    void* vertex;
    spinlock_t lock;
    wait_queue_entry peer_wake;
    int scm_stat_nr_fds;
    unsigned long inflight;
};

static_assert(std::is_standard_layout_v<unix_sock>, "ksock::unix_sock: must be standard-layout");
static_assert(offsetof(unix_sock, sk) == 0, "ksock::unix_sock: sk must be at offset 0");

} // namespace ksock
