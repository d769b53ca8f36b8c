// ksock/inet/inet_create.hpp: PF_INET's create policy, inet_create()
// (net/ipv4/af_inet.c): the protocol range check and inetsw lookup, the
// CAP_NET_RAW check, sk_alloc from the proto's pool, the inet defaults
// around sock_init_data, the raw hash step and the proto's init, with
// out_sk_release unwinding on every failure.
#pragma once

#include <type_traits>

#include <ksock/core/sk_create.hpp>
#include <ksock/core/sock_init.hpp>
#include <ksock/inet/inet_connection_sock.hpp>
#include <ksock/inet/inet_kfunc.hpp>
#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/protosw.hpp>
#include <ksock/runtime/net.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/value_names.hpp>

namespace ksock::inet {

//! INET_PROTOSW_ICSK promises an inet_connection_sock: the entry's object
//! must begin with one.
template <class Entry>
inline constexpr bool icsk_entry_ok = (Entry::flags & inet_protosw_icsk) == 0 ||
                                      begins_with<typename Entry::obj_type, inet_connection_sock>;

//! PF_INET's create policy (inet_create, net/ipv4/af_inet.c): the protocol check and inetsw lookup,
//! then the common sk_create steps with the fields of inet_sock, and the proto's init.
struct inet_create {
    //! PF_INET's part of a namespace, and the names of its callbacks: every
    //! family built on inet_create has them.
    using pernet_type = netns_ipv4;
    static constexpr const kfunc_table& kfuncs = kf::table; //!< PF_INET's callback names

    //! Steps 1 and 3 of inet_create: protocol in [0, IPPROTO_MAX), then the
    //! inetsw walk (protosw_lookup). Constexpr: socket<F,T,P>() uses it too.
    static constexpr resolution lookup(const protosw_desc* entries, int n, int type,
                                       int protocol) noexcept {
        if (protocol < 0 || protocol >= ipproto_max)
            return {-einval, -1, type, protocol};
        return protosw_lookup(entries, n, type, protocol);
    }

    //! What the shared steps need to know of a protosw entry, as data: one
    //! copy of the steps then serves every entry (a firmware pays for the
    //! creation path once, not once per protocol).
    struct entry_facts {
        int type;               //!< the entry's socket type
        unsigned flags;         //!< INET_PROTOSW_* bits
        kfunc backlog_rcv;      //!< the proto's backlog_rcv
        const proto_desc* prot; //!< the proto's descriptor (sk_prot)
    };
    //! The facts of \p Entry.
    template <class Entry>
    static constexpr entry_facts facts_of{Entry::type, Entry::flags,
                                          backlog_rcv_of<typename Entry::prot>(),
                                          proto_desc_v<typename Entry::prot>};

    //! Fields inet_create sets before sock_init_data (steps 8-13) that
    //! depend on the entry alone. \p icsk is the object's connection part
    //! when the entry is ICSK (protosw<> has checked the object type), else
    //! null.
    static constexpr void values_before(inet_sock& inet, inet_connection_sock* icsk,
                                        const entry_facts& e) noexcept {
        if (e.flags & inet_protosw_reuse)
            inet.sk.sk_reuse() = sk_can_reuse;
        if (icsk) { // inet_init_csk_locks
            spin_lock_init(icsk->icsk_accept_queue.rskq_lock);
            spin_lock_init(icsk->icsk_accept_queue.fastopenq.lock);
        }
        inet_assign_bit(inet, inet_flags_is_icsk, (e.flags & inet_protosw_icsk) != 0);
        inet_assign_bit(inet, inet_flags_nodefrag, false);
        // inet_id, mc_index, mc_list, rcv_tos: 0 from sk_alloc, as Linux sets them.
    }

    //! Fields inet_create sets after sock_init_data (steps 15-16) that
    //! depend on the entry alone.
    static constexpr void values_after(inet_sock& inet, const entry_facts& e) noexcept {
        sock& sk = inet.sk;
        sk.sk_destruct = kf::inet_sock_destruct;
        sk.sk_backlog_rcv = e.backlog_rcv;
        inet.uc_ttl = -1;
        inet_assign_bit(inet, inet_flags_mc_loop, true);
        inet.mc_ttl = 1;
        inet_assign_bit(inet, inet_flags_mc_all, true);
    }

    //! The fields that follow the protocol asked for: a raw socket's number
    //! is its port (step 11, HDRINCL for IPPROTO_RAW), sk_protocol, and the
    //! source port of a socket that has a number (step 16).
    static constexpr void protocol_values(inet_sock& inet, const entry_facts& e,
                                          int protocol) noexcept {
        if (e.type == sock_raw) {
            inet.inet_num() = static_cast<std::uint16_t>(protocol);
            inet_assign_bit(inet, inet_flags_hdrincl, protocol == ipproto_raw);
        }
        inet.sk.sk_protocol = static_cast<std::uint16_t>(protocol);
        if (inet.inet_num())
            inet.inet_sport = cpu_to_be16(inet.inet_num());
    }

    //! The fields that follow the namespace's sysctls (steps 13 and 15).
    static constexpr void sysctl_values(inet_sock& inet, const ipv4_sysctl& v4,
                                        const net_core_sysctl& core) noexcept {
        inet.pmtudisc =
            static_cast<std::uint8_t>(v4.ip_no_pmtu_disc ? ip_pmtudisc_dont : ip_pmtudisc_want);
        inet.sk.sk_txrehash = core.txrehash;
    }

    //! The inet_connection_sock of \p o when \p e is a connection entry (INET_PROTOSW_ICSK), else
    //! null.
    template <class Obj>
    static constexpr inet_connection_sock* icsk_of(Obj& o, const entry_facts& e) noexcept {
        if constexpr (begins_with<Obj, inet_connection_sock>)
            return (e.flags & inet_protosw_icsk) ? &member_ref<inet_connection_sock>(o) : nullptr;
        else
            return nullptr;
    }

    //! The object a fresh socket of Entry gets, as a constant: every value
    //! inet_create, sock_init_data and the proto's init write, for a net
    //! namespace with sysctls \p v4 and \p core and a root caller. The
    //! run-time path runs these same functions on the pool slot, or copies
    //! entry_image<Entry> and writes what differs (create()).
    template <class Entry>
    static constexpr typename Entry::obj_type
    image(int protocol, const ipv4_sysctl& v4 = ipv4_sysctl{},
          const net_core_sysctl& core = net_core_sysctl{}) noexcept {
        static_assert(icsk_entry_ok<Entry>,
                      "ksock::inet::inet_create: an ICSK entry's Proto::obj_type must begin with "
                      "ksock::inet::inet_connection_sock");
        using P = typename Entry::prot;
        constexpr const entry_facts& e = facts_of<Entry>;
        typename Entry::obj_type o{};
        inet_sock& inet = member_ref<inet_sock>(o);
        sk_alloc_values(inet.sk, e.prot, pf_inet, 0, nullptr, 0, 0);
        values_before(inet, icsk_of(o, e), e);
        sock_init_data_values(inet.sk, core, Entry::type, 0);
        values_after(inet, e);
        protocol_values(inet, e, protocol);
        sysctl_values(inet, v4, core);
        if constexpr (requires { P::init_values(o, v4); })
            P::init_values(o, v4);
        return o;
    }

    //! Entry's image with Linux's default sysctls, what an untraced
    //! socket() copies (a wildcard entry's with protocol 0: the protocol
    //! asked for is written after the copy).
    template <class Entry>
    static constexpr typename Entry::obj_type entry_image = image<Entry>(Entry::protocol);

    //! inet_create from sk_alloc's field setup to just before the proto's
    //! hash and init: the same for every entry, so not a template on it.
    template <class Ctx>
    static void build(Ctx& ctx, ksock::socket& so, inet_sock& inet, inet_connection_sock* icsk,
                      const entry_facts& e, int protocol, int kern) {
        auto& tr = ctx.trace();
        sock& sk = inet.sk;
        {
            trace_scope tsa(tr, "sk_alloc");
            sk_alloc_values(sk, e.prot, pf_inet, kern, &ctx.net(), ctx.cgroup_classid(),
                            ctx.cgroup_prioidx());
            if (!kern)
                ++ctx.net().sock_inuse;
            if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
                tr.field("obj_size", static_cast<long long>(e.prot->obj_size));
                tr.field("sk_family", sk.sk_family(), names_in(value_base::dec, af_names));
                tr.text("sk_prot", sk.sk_prot()->name);
                tr.field("sk_wmem_alloc", sk.sk_wmem_alloc);
                tr.field("sk_cgrp_data.classid", sk.sk_cgrp_data.classid);
            }
        }
        values_before(inet, icsk, e);
        if (e.type == sock_raw) {
            inet.inet_num() = static_cast<std::uint16_t>(protocol);
            inet_assign_bit(inet, inet_flags_hdrincl, protocol == ipproto_raw);
        }
        sysctl_values(inet, ipv4_net(ctx).sysctl, ctx.net().sysctl);
        if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
            tr.field("sk_reuse", sk.sk_reuse());
            tr.field("inet_flags", static_cast<long long>(inet.inet_flags),
                     names_in(value_base::hex, inet_flags_names));
            tr.field("inet_num", inet.inet_num());
            tr.field("pmtudisc", inet.pmtudisc);
        }
        sock_init_data(&so, sk, tr);
        values_after(inet, e);
        protocol_values(inet, e, protocol);
        if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
            tr.text("sk_destruct", kf::name(sk.sk_destruct));
            tr.field("sk_protocol", sk.sk_protocol, names_in(value_base::dec, ipproto_names));
            tr.field("uc_ttl", inet.uc_ttl);
            tr.field("mc_ttl", inet.mc_ttl);
        }
    }

    //! An untraced socket of a proto with init_after_image is a copy of
    //! entry_image<Entry>, then what differs from it: sk_alloc's owner,
    //! sock_init_data's links and the namespace's values, the protocol.
    template <class Entry, class Ctx>
    static constexpr bool from_image =
        proto_has_init_after_image<typename Entry::prot, Ctx> && !ctx_traced<Ctx>;

    //! inet_create: the socket's sock for \p Entry, with \p protocol resolved; 0 or -errno.
    template <class Entry, class Ctx>
    static int create(Ctx& ctx, ksock::socket& so, int protocol, int kern) {
        static_assert(icsk_entry_ok<Entry>,
                      "ksock::inet::inet_create: an ICSK entry's Proto::obj_type must begin with "
                      "ksock::inet::inet_connection_sock");
        using P = typename Entry::prot;
        using Obj = typename P::obj_type;
        constexpr const entry_facts& e = facts_of<Entry>;
        auto& tr = ctx.trace();
        trace_scope ts(tr, "inet_create");
        so.state = ss_unconnected;
        if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
            tr.field("answer->type", Entry::type, names_in(value_base::dec, sock_type_names));
            tr.field("answer->protocol", Entry::protocol, names_in(value_base::dec, ipproto_names));
            tr.text("answer->prot", P::name);
            tr.field("answer->flags", Entry::flags,
                     names_in(value_base::hex, inet_protosw_flag_names));
            tr.field("protocol", protocol, names_in(value_base::dec, ipproto_names));
        }
        // Step 5: raw sockets need CAP_NET_RAW, checked only after a match
        // (sock->type is the entry's).
        if constexpr (Entry::type == sock_raw)
            if (!kern && !ctx.current_cred().has(cap_net_raw))
                return ts.result(-eperm);
        Obj* o;
        if constexpr (from_image<Entry, Ctx>)
            o = sk_alloc_from_image<P>(ctx, entry_image<Entry>);
        else
            o = ctx.template obj_alloc<P>();
        if (!o) {
            tr.note("sk_alloc -> ENOMEM");
            return ts.result(-enomem);
        }
        inet_sock& inet = member_ref<inet_sock>(*o);
        sock& sk = inet.sk;
        if constexpr (from_image<Entry, Ctx>) {
            sock_from_image(ctx, &so, sk, kern);
            sysctl_values(inet, ipv4_net(ctx).sysctl, ctx.net().sysctl);
            if constexpr (Entry::protocol == ipproto_ip)
                protocol_values(inet, e, protocol); // the wildcard's image has protocol 0
        } else {
            build(ctx, so, inet, icsk_of(*o, e), e, protocol, kern);
        }
        int err = 0;
        if (inet.inet_num()) {
            // Step 17: only raw sockets have a port number at creation.
            if constexpr (ksock::detail::has_hash<P>) {
                trace_scope tsh(tr, "sk_prot->hash");
                err = tsh.result(P::hash(ctx, sk));
            }
        }
        if (!err) {
            trace_scope tsi(tr, "sk_prot->init");
            if constexpr (from_image<Entry, Ctx>)
                err = P::init_after_image(ctx, sk);
            else
                err = tsi.result(P::init(ctx, sk));
        }
        if (err) {
            // out_sk_release
            trace_scope tsr(tr, "sk_common_release");
            sk_common_release<P>(ctx, sk);
            so.sk = nullptr;
            return ts.result(err);
        }
        return 0;
    }
};

} // namespace ksock::inet
