// ksock/core/sk_create.hpp: the generic create steps, the part of a family's
// pf->create that unix_create, can_create and the like share once the
// protosw entry is known (net/core/sock.c's sk_alloc and sock_init_data, the
// proto's init and the unwinding on its failure), and the constexpr image
// of the object those steps leave behind.
//
// A family's create policy looks its entry up, then calls
// sk_create<Entry, Hooks>(ctx, so, family, protocol, kern); Hooks (by
// default sk_create_defaults) say where its pf->create differs.
//
// Two ways to the same object. Step by step: a zeroed slot, then every
// value and link written as Linux does (a traced stack reports each step).
// From the image, when the hooks give one (image<Entry>()) and the proto
// says what its init does on it (init_after_image): the slot is a copy of
// the constexpr image, then only what depends on addresses, on the caller
// and on the namespace's sysctls is written. Copying the object beats
// zeroing it and storing its defaults one by one (bench/RESULTS.md).
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <ksock/core/sock_init.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/platform.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/archetypes.hpp>
#include <ksock/registry/proto.hpp>
#include <ksock/runtime/net.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock {

//! No capability needed (can_proto's .capability = -1).
inline constexpr int no_capability = -1;

//! The hooks of sk_create: where a family's pf->create differs from the
//! common steps. A family derives them from sk_create_defaults and redefines
//! what differs (its create policy itself may be the hooks type):
//!   `template <class Entry> static constexpr int capability;`
//!       what a caller needs to create an Entry socket (checked unless the
//!       socket is the kernel's), or no_capability: can_proto's .capability
//!   `static constexpr bool sets_sk_protocol;`
//!       whether sk_protocol records the protocol (unix_create never does:
//!       SO_PROTOCOL reads 0)
//!   `template <class Entry> static constexpr void values(obj_type&, int protocol);`
//!       the family's own fields, after sock_init_data and before the
//!       proto's init; constexpr, because sk_image runs it too
template <class H, class Entry = archetypes::entry>
concept sk_create_hooks = requires(typename Entry::prot::obj_type& o) {
    { H::template capability<Entry> } -> std::convertible_to<int>;
    { H::sets_sk_protocol } -> std::convertible_to<bool>;
    { H::template values<Entry>(o, std::declval<int>()) } -> std::same_as<void>;
};

//! The common steps, unchanged: raw sockets need CAP_NET_RAW (as
//! inet_create asks), sk_protocol is the protocol, no fields of the
//! family's own. Also the archetype the concept is checked with.
struct sk_create_defaults {
    //! CAP_NET_RAW for SOCK_RAW, else none.
    template <class Entry>
    static constexpr int capability = Entry::type == sock_raw ? cap_net_raw : no_capability;
    static constexpr bool sets_sk_protocol = true; //!< sk_protocol is the protocol
    //! No fields of the family's own.
    template <class Entry>
    static constexpr void values(typename Entry::prot::obj_type&, int) noexcept {}
};
static_assert(sk_create_hooks<sk_create_defaults>,
              "ksock::sk_create_defaults must model ksock::sk_create_hooks");

//! Checks Hooks for Entry with a message (the concept says only "not
//! satisfied"); instantiated by sk_create and sk_image.
template <class Hooks, class Entry>
constexpr bool check_sk_create_hooks() {
    static_assert(sk_create_hooks<Hooks, Entry>,
                  "ksock::sk_create_hooks<H>: H must define capability<Entry>, sets_sk_protocol "
                  "and values<Entry>(obj_type&, int) (derive it from ksock::sk_create_defaults)");
    return true;
}

//! Optional hook: `template <class Entry> static constexpr obj_type image()`:
//! the object sk_create leaves for Entry with Linux's default sysctls.
template <class H, class Entry>
concept sk_create_hooks_image = requires {
    { H::template image<Entry>() } -> std::same_as<typename Entry::obj_type>;
};

//! Entry's image, a constant (in read-only memory when it is copied).
template <class Entry, class Hooks>
inline constexpr typename Entry::obj_type sk_entry_image = Hooks::template image<Entry>();

//! Is the stack \p Ctx traced? A trace reports every step of the path, so
//! a traced stack takes them all.
template <class Ctx>
inline constexpr bool ctx_traced =
    std::remove_reference_t<decltype(std::declval<Ctx&>().trace())>::enabled;

//! A slot of P's pool holding \p image, or null (ENOMEM). The copy is one
//! library memcpy of obj_size bytes: no zeroing, no field-by-field stores.
template <class P, class Ctx>
KSOCK_ALWAYS_INLINE inline typename P::obj_type*
sk_alloc_from_image(Ctx& ctx, const typename P::obj_type& image) noexcept {
    typename P::obj_type* o = ctx.template obj_take<P>();
    if (o)
        platform::copy_bytes(o, &image, sizeof *o);
    return o;
}

//! sk_alloc(net, family, GFP_KERNEL, prot, kern): a zeroed object from
//! P's pool (null when it is out: ENOMEM), its sk_alloc fields set, counted
//! in the namespace's sock_inuse unless it is the kernel's. Always inlined:
//! left to the optimiser it is inlined late, and the socket() path that
//! dispatches to every family's create loses registers to it (three
//! instructions on each TCP and UDP socket()).
template <class P, class Ctx>
KSOCK_ALWAYS_INLINE inline typename P::obj_type* sk_alloc(Ctx& ctx, int family, int kern) {
    auto& tr = ctx.trace();
    trace_scope tsa(tr, "sk_alloc");
    typename P::obj_type* o = ctx.template obj_alloc<P>();
    if (!o) {
        tsa.result(-enomem);
        return nullptr;
    }
    sk_alloc_values(member_ref<sock>(*o), proto_desc_v<P>, family, kern, &ctx.net(),
                    ctx.cgroup_classid(), ctx.cgroup_prioidx());
    if (!kern)
        ++ctx.net().sock_inuse;
    if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
        tr.field("obj_size", static_cast<long long>(P::obj_size));
        tr.text("sk_prot", P::name);
    }
    return o;
}

//! pf->create after the lookup, for the resolved protosw entry: the socket
//! starts SS_UNCONNECTED; the capability check (EPERM); sk_alloc (ENOMEM);
//! sock_init_data; sk_protocol; the family's values; the proto's init,
//! whose failure releases the sock again (sk_common_release) and leaves
//! the socket without one. 0 or -errno.
template <class Entry, class Hooks = sk_create_defaults, class Ctx>
inline int sk_create(Ctx& ctx, ksock::socket& so, int family, int protocol, int kern) {
    static_assert(check_sk_create_hooks<Hooks, Entry>());
    using P = typename Entry::prot;
    so.state = ss_unconnected;
    constexpr int cap = Hooks::template capability<Entry>;
    if constexpr (cap != no_capability) {
        if (!kern && !ctx.current_cred().has(cap))
            return -eperm;
    }
    typename P::obj_type* o;
    int err;
    if constexpr (sk_create_hooks_image<Hooks, Entry> && proto_has_init_after_image<P, Ctx> &&
                  !ctx_traced<Ctx>) {
        o = sk_alloc_from_image<P>(ctx, sk_entry_image<Entry, Hooks>);
        if (!o)
            return -enomem;
        sock& sk = member_ref<sock>(*o);
        sock_from_image(ctx, &so, sk, kern);
        if constexpr (Hooks::sets_sk_protocol)
            sk.sk_protocol = static_cast<std::uint16_t>(protocol);
        Hooks::template values<Entry>(*o, protocol);
        err = P::init_after_image(ctx, sk);
    } else {
        o = sk_alloc<P>(ctx, family, kern);
        if (!o)
            return -enomem;
        sock& sk = member_ref<sock>(*o);
        sock_init_data(&so, sk, ctx.trace());
        if constexpr (Hooks::sets_sk_protocol)
            sk.sk_protocol = static_cast<std::uint16_t>(protocol);
        Hooks::template values<Entry>(*o, protocol);
        err = P::init(ctx, sk);
    }
    if (err) {
        sock& sk = member_ref<sock>(*o);
        trace_scope tsr(ctx.trace(), "sk_common_release");
        sk_common_release<P>(ctx, sk);
        so.sk = nullptr;
        return err;
    }
    return 0;
}

//! The object a fresh Entry socket of \p family gets from sk_create up to
//! the proto's init, as a constant: every value sk_alloc, sock_init_data and
//! the hooks write, for a namespace with sysctls \p core and a root caller.
//! The run-time path runs these same functions on the slot; what the
//! proto's init adds, the family adds to the image (unix_create::image).
template <class Entry, class Hooks = sk_create_defaults>
constexpr typename Entry::obj_type
sk_image(int family, int protocol, const net_core_sysctl& core = net_core_sysctl{}) noexcept {
    using Obj = typename Entry::obj_type;
    static_assert(check_sk_create_hooks<Hooks, Entry>());
    static_assert(
        std::is_same_v<Obj, sock> || requires { first_member<Obj>::ptr; },
        "ksock::sk_image<Entry>: Entry::obj_type must name the member it begins "
        "with in a specialisation of ksock::first_member (a constant expression "
        "cannot cast to it)");
    using P = typename Entry::prot;
    Obj o{};
    sock& sk = member_ref<sock>(o);
    sk_alloc_values(sk, proto_desc_v<P>, family, 0, nullptr, 0, 0);
    sock_init_data_values(sk, core, Entry::type, 0);
    if constexpr (Hooks::sets_sk_protocol)
        sk.sk_protocol = static_cast<std::uint16_t>(protocol);
    Hooks::template values<Entry>(o, protocol);
    return o;
}

} // namespace ksock
