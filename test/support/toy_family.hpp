// test/support/toy_family.hpp: a protocol family of the tests' own, PF_TOY,
// built from the generic layers only (registry/, core/, config.hpp). Tests of
// the generic headers use it where a real family would pull inet/ or unix/ in:
// the compile-fail tests derive their near-misses from it, the concept tests
// check it as a minimal model, and the layering test builds a stack of it.
//
// One entry, (SOCK_DGRAM, TOYPROTO_DGRAM), whose object is a sock followed by
// one int; the create policy is unix_create's shape: lookup, sk_alloc,
// sock_init_data, proto init.
#pragma once

#include <cstddef>

#include <ksock/config.hpp>
#include <ksock/core/sock_init.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock_test {

//! AF_MAX - 1: a number no real family of ksock uses.
inline constexpr int pf_toy = ksock::af_max - 1;
inline constexpr int toyproto_dgram = 1;
inline constexpr int toy_nproto = 2;

//! The socket object: ksock::sock first, then the proto's own state.
struct toy_sock {
    ksock::sock sk;
    int value;
};

//! The proto: the five required members and nothing else.
struct toy_prot {
    static constexpr const char* name = "TOY";
    using obj_type = toy_sock;
    static constexpr std::size_t obj_size = sizeof(toy_sock);

    template <class Ctx>
    static int init(Ctx&, ksock::sock& sk) {
        ksock::sk_cast<toy_sock>(&sk)->value = 42;
        return 0;
    }
    template <class Ctx>
    static void close(Ctx& ctx, ksock::sock& sk, long) {
        ksock::sk_common_release<toy_prot>(ctx, sk);
    }
};

//! The ops: release only; every other member is sock_no_*.
struct toy_ops {
    template <class Entry, class Ctx>
    static int release(Ctx& ctx, ksock::socket& so) {
        if (ksock::sock* sk = so.sk) {
            Entry::prot::close(ctx, *sk, 0);
            so.sk = nullptr;
        }
        return 0;
    }
};

//! The create policy: protocol range, table walk, then sk_alloc ->
//! sock_init_data -> init.
struct toy_create {
    static constexpr ksock::resolution lookup(const ksock::protosw_desc* entries, int n, int type,
                                              int protocol) noexcept {
        if (protocol < 0 || protocol >= toy_nproto)
            return {-ksock::einval, -1, type, protocol};
        return ksock::protosw_lookup(entries, n, type, protocol);
    }

    template <class Entry, class Ctx>
    static int create(Ctx& ctx, ksock::socket& so, int protocol, int kern) {
        using P = typename Entry::prot;
        so.state = ksock::ss_unconnected;
        toy_sock* t = ctx.template obj_alloc<P>();
        if (!t)
            return -ksock::enomem;
        ksock::sk_alloc_values(t->sk, ksock::proto_desc_v<P>, pf_toy, kern, &ctx.net(),
                               ctx.cgroup_classid(), ctx.cgroup_prioidx());
        if (!kern)
            ++ctx.net().sock_inuse;
        ksock::sock_init_data(&so, t->sk, ctx.trace());
        t->sk.sk_protocol = static_cast<unsigned short>(protocol);
        if (const int err = P::init(ctx, t->sk)) {
            ksock::sk_common_release<P>(ctx, t->sk);
            so.sk = nullptr;
            return err;
        }
        return 0;
    }
};

using toy_protosw = ksock::protosw<ksock::sock_dgram, toyproto_dgram, toy_prot, toy_ops>;
using toy_family = ksock::family<pf_toy, toy_create, ksock::type_list<toy_protosw>>;

//! A stack of PF_TOY alone: what a user's config that names no Linux family
//! looks like. The compile-fail tests of stack.hpp derive from it and change
//! one member.
struct toy_config : ksock::stack_config {
    using families = ksock::type_list<toy_family>;
};

} // namespace ksock_test
