// ksock/registry/protosw.hpp: a protocol switch entry (struct inet_protosw): which
// proto and ops serve a (type, protocol) pair of a family.
#pragma once

#include <ksock/objects/layout.hpp>
#include <ksock/registry/proto.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/value_names.hpp>

namespace ksock {

//! inet_protosw flags.
inline constexpr unsigned inet_protosw_reuse = 0x01;     //!< sk_reuse = SK_CAN_REUSE
inline constexpr unsigned inet_protosw_permanent = 0x02; //!< cannot be overridden
inline constexpr unsigned inet_protosw_icsk = 0x04;      //!< a connection sock (PF_INET checks it)
//! The flags' names, for traces.
inline constexpr value_name inet_protosw_flag_names[] = {
    {inet_protosw_reuse, inet_protosw_reuse, "INET_PROTOSW_REUSE"},
    {inet_protosw_permanent, inet_protosw_permanent, "INET_PROTOSW_PERMANENT"},
    {inet_protosw_icsk, inet_protosw_icsk, "INET_PROTOSW_ICSK"}};

//! One entry. Protocol 0 (IPPROTO_IP) is the wildcard: it accepts any
//! non-zero requested protocol.
template <int Type, int Protocol, class Prot, class Ops, unsigned Flags = 0>
struct protosw {
    static_assert(Type >= 0 && Type < sock_max,
                  "ksock::protosw<...>: Type must be a socket type below SOCK_MAX");
    static_assert(Protocol >= 0, "ksock::protosw<...>: Protocol must not be negative");
    static_assert((Flags & ~(inet_protosw_reuse | inet_protosw_permanent | inet_protosw_icsk)) == 0,
                  "ksock::protosw<...>: Flags may only hold PERMANENT, ICSK and REUSE");
    static_assert(check_proto<Prot>());
    static_assert(check_proto_ops<Ops>());

    static constexpr int type = Type;         //!< SOCK_STREAM, SOCK_DGRAM ...
    static constexpr int protocol = Protocol; //!< the IPPROTO_* number, or 0 for a wildcard entry
    static constexpr unsigned flags = Flags;  //!< INET_PROTOSW_* bits
    //! The proto (struct proto): the sock-level operations and the object type.
    using prot = Prot;
    using ops = Ops; //!< the proto_ops: the socket-level operations
    //! The object a socket of this entry allocates (tcp_sock ...).
    using obj_type = typename Prot::obj_type;
    //! Sizeof(obj_type), Linux's prot->obj_size.
    static constexpr std::size_t obj_size = Prot::obj_size;
};

template <class E>
concept protosw_entry = requires {
    { E::type } -> std::convertible_to<int>;
    { E::protocol } -> std::convertible_to<int>;
    { E::flags } -> std::convertible_to<unsigned>;
    typename E::prot;
    typename E::ops;
};

//! The run-time shape of an entry, what the constexpr lookup walks.
struct protosw_desc {
    int type;       //!< the entry's socket type
    int protocol;   //!< the entry's protocol, 0 for a wildcard
    unsigned flags; //!< INET_PROTOSW_* bits
};

//! The outcome of resolving (family, type, protocol): err is 0 or -errno;
//! entry is the stack-wide index of the entry; type and protocol are the
//! values the socket gets (protocol 0 takes the entry's, PF_UNIX's SOCK_RAW
//! becomes SOCK_DGRAM).
struct resolution {
    int err;      //!< 0, or the -errno socket() returns
    int entry;    //!< the entry's index, -1 on error
    int type;     //!< the type the socket gets
    int protocol; //!< the protocol the socket gets
};

//! inet_create's lookup, exactly: walk the entries of `type` in order;
//! err starts as ESOCKTNOSUPPORT and becomes 0 at the first entry of the
//! type; a request equal to the entry's protocol matches unless it is 0; a
//! request of 0 takes the entry's protocol; a wildcard entry takes any
//! non-zero request; anything else leaves EPROTONOSUPPORT and goes on.
constexpr resolution protosw_lookup(const protosw_desc* entries, int n, int type,
                                    int protocol) noexcept {
    int err = -esocktnosupport;
    for (int i = 0; i < n; ++i) {
        const protosw_desc& e = entries[i];
        if (e.type != type)
            continue;
        err = 0;
        if (protocol == e.protocol) {
            if (protocol != ipproto_ip)
                return {0, i, type, protocol};
        } else {
            if (protocol == ipproto_ip)
                return {0, i, type, e.protocol};
            if (e.protocol == ipproto_ip)
                return {0, i, type, protocol};
        }
        err = -eprotonosupport;
    }
    return {err, -1, type, protocol};
}

} // namespace ksock
