// ksock/unix/unix_sock.hpp: struct unix_sock and struct unix_address
// (include/net/af_unix.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/objects/kfunc.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/uapi/sockaddr.hpp>

namespace ksock {
struct sk_buff;
} // namespace ksock

namespace ksock::unix_domain {

//! struct unix_address: a bound name, as bind() / autobind stored it and as
//! getsockname() returns it: `len` bytes of `name` (sun_family included).
//! Linux allocates it and shares it (refcounted) between a listener and the
//! socks accepted from it; ksock keeps one in every unix_sock (static
//! memory) and copies the listener's into each new connection.
struct unix_address {
    int len;          //!< bytes of name in use (sun_family included)
    sockaddr_un name; //!< the name
};

//! struct path: where a bound filesystem socket lives (none in ksock: a
//! pathname is a name in the stack's flat namespace, see unix_bind.hpp).
struct path {
    void* mnt;    //!< always null in ksock
    void* dentry; //!< always null in ksock
};

//! wait_queue_entry_t as unix_sock::peer_wake uses it.
struct wait_queue_entry {
    kfunc func; //!< the wake function (unix_dgram_peer_wake_relay)
    void* priv; //!< the sock to wake
};

//! struct unix_sock (include/net/af_unix.h): a PF_UNIX socket's object, sock first.
struct unix_sock {
    sock sk;                    //!< the sock, at offset 0
    unix_address* addr;         //!< &addr_store once bound (or inherited), else null
    unix_domain::path path;     //!< the bound file's path (never set in ksock)
    mutex_t iolock;             //!< serialises reads (u->iolock)
    mutex_t bindlock;           //!< serialises bind (u->bindlock)
    sock* peer;                 //!< the connected peer, or null
    sock* listener;             //!< a connection's listener until accept(), or null
    void* vertex;               //!< unix_gc's graph vertex (unused in ksock: null)
    spinlock_t lock;            //!< the sock's own lock (unix_state_lock)
    wait_queue_entry peer_wake; //!< on the peer's wait queue while a datagram send waits for room
    int scm_stat_nr_fds;        //!< fds in the skbs queued to this sock (scm_stat)
    //! A stream's unread bytes as SIOCINQ reports them: what was queued, less
    //! what reads took out, kept where Linux keeps it. An out-of-band byte
    //! that a read skips and drops (manage_oob) is never taken off, so the
    //! count stays one above the queue from then on, as on Linux.
    int inq_len;
    //! How many references to this sock's file are in flight (in skbs
    //! queued anywhere); ksock's unix_gc recounts it on every run.
    unsigned long inflight;
    //! The skb holding the out-of-band byte (MSG_OOB on a stream), or null.
    sk_buff* oob_skb;
    //! ksock: the storage behind addr.
    unix_address addr_store;
    //! ksock: the name is in the bind table (Linux: the sock is hashed by its
    //! name). A sock accepted from a listener carries the listener's address
    //! but is not found by it, as in Linux.
    bool hashed;
    //! ksock: unix_gc's mark (a candidate for collection) during a run.
    bool gc_candidate;
};

//! unix_sk(sk): the checked layout cast to a unix_sock (objects/layout.hpp).
inline constexpr sk_caster<unix_sock> unix_sk{"unix_sk"};

} // namespace ksock::unix_domain

//! The member that embeds unix_sock's parent at offset 0 (objects/layout.hpp).
template <>
struct ksock::first_member<ksock::unix_domain::unix_sock>
    : ksock::first_member_is<&ksock::unix_domain::unix_sock::sk> {};

// begins_with holds only for a standard-layout type whose first member is a
// sock; the offset pins that member as the one first_member names.
static_assert(ksock::begins_with<ksock::unix_domain::unix_sock, ksock::sock> &&
                  offsetof(ksock::unix_domain::unix_sock, sk) == 0,
              "ksock::unix_domain::unix_sock must begin with sock: its member sk, at offset 0");
