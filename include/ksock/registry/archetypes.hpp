// ksock/registry/archetypes.hpp: the minimal protosw entry and proto the
// extension points are checked with (the minimal stack context is beside its
// concept, in context.hpp). A member an ops or proto type defines is
// instantiated with these in the concepts, so a member that needs more than
// an entry gives fails at its own definition, not deep inside a stack.
#pragma once

namespace ksock {
struct sock;
} // namespace ksock

namespace ksock::archetypes {

//! The proto the context's per-proto members are checked with (its object
//! is a bare sock, its state an int).
struct proto {
    using obj_type = sock;  //!< the least object a proto may have
    using state_type = int; //!< any state type does
};

//! A family's part of a namespace (a pernet_type).
struct pernet {};

//! The minimal protosw entry an ops or proto member is instantiated with.
struct entry {
    using prot = archetypes::proto; //!< the archetype proto
    struct ops {};
    static constexpr int type = 1;       //!< SOCK_STREAM
    static constexpr int protocol = 0;   //!< the wildcard protocol
    static constexpr unsigned flags = 0; //!< no INET_PROTOSW_* flags
};

} // namespace ksock::archetypes
