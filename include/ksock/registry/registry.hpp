// ksock/registry/registry.hpp: the registries of a stack resolved at compile
// time (net_families[], every family's protosw list, the protos) and the one
// resolution function that socket<F,T,P>() runs in a constant expression and
// socket(f,t,p) runs at run time; then the dispatch of an operation to the
// ops of the entry that made a socket.
//
// Everything here is a function of the family list alone: no state, no
// policy, no concrete family.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/detail/type_list.hpp>
#include <ksock/detail/with_index.hpp>
#include <ksock/objects/kfunc.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/platform.hpp>
#include <ksock/registry/create_args.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/registry/packet_type.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock {

namespace detail {
template <class L>
struct all_entries;
template <class... Fs>
struct all_entries<type_list<Fs...>> {
    using type = concat_t<typename Fs::protosw...>;
};
template <class E>
struct prot_of {
    using type = typename E::prot;
};

template <class L>
constexpr bool all_families_distinct() {
    return []<class... Fs>(type_list<Fs...>) {
        constexpr int n[] = {Fs::number..., -1};
        for (std::size_t j = 0; j < sizeof...(Fs); ++j)
            for (std::size_t i = 0; i < j; ++i)
                if (n[i] == n[j])
                    return false;
        return true;
    }(L{});
}

//! F's kfunc table, or an empty one.
template <class F>
constexpr kfunc_table kfunc_table_of() noexcept {
    if constexpr (family_has_kfuncs<F>)
        return F::kfuncs;
    else
        return kfunc_table{0, 0, nullptr};
}

//! No two families' kfunc tables share an id (two families built on one
//! create policy share its table), and none uses the core's ids.
template <class L>
constexpr bool kfunc_tables_disjoint() {
    return []<class... Fs>(type_list<Fs...>) {
        constexpr kfunc_table t[] = {kfunc_table{0, 0, nullptr}, kfunc_table_of<Fs>()...};
        for (std::size_t j = 1; j < sizeof t / sizeof t[0]; ++j) {
            if (t[j].count && t[j].base < kfunc_family_base)
                return false;
            for (std::size_t i = 1; i < j; ++i)
                if (t[i].count && t[j].count && !t[i].same_as(t[j]) && t[i].overlaps(t[j]))
                    return false;
        }
        return true;
    }(L{});
}

//! F::packet_types, or an empty list.
template <class F>
struct packet_types_of {
    using type = type_list<>;
};
template <family_has_packet_types F>
struct packet_types_of<F> {
    using type = typename F::packet_types;
};
template <class L>
struct all_packet_types;
template <class... Fs>
struct all_packet_types<type_list<Fs...>> {
    using type = concat_t<typename packet_types_of<Fs>::type...>;
};

template <class L>
constexpr bool all_protocol_families() {
    return []<class... Fs>(type_list<Fs...>) { return (protocol_family<Fs> && ...); }(L{});
}
} // namespace detail

//! The compile-time tables of the families \p Families (a type_list of
//! ksock::family<...>, in sock_register order) and their resolution.
template <class Families>
struct registry {
    static_assert(detail::is_type_list<Families>::value,
                  "ksock::stack<Config>: Config::families must be a ksock::type_list");
    static_assert(Families::size > 0, "ksock::stack<Config>: at least one family is required");
    static_assert(detail::all_protocol_families<Families>(),
                  "ksock::stack<Config>: every element of Config::families must model "
                  "ksock::protocol_family (a ksock::family<Number, Create, Protosw>)");
    static_assert(detail::all_families_distinct<Families>(),
                  "ksock::stack<Config>: two families share one number (sock_register "
                  "refuses a duplicate family with EEXIST)");

    static_assert(detail::kfunc_tables_disjoint<Families>(),
                  "ksock::stack<Config>: two families' kfunc tables share ids, or one uses the "
                  "core's ids below kfunc_family_base");

    using families = Families; //!< the families, in sock_register order
    //! Every protosw entry of every family, family by family, in order.
    using entries = typename detail::all_entries<families>::type;
    //! Every distinct proto: one pool each.
    using protos = detail::unique_t<detail::transform_t<detail::prot_of, entries>>;

    //! Every family's packet_type entries (ptype_base), family by family.
    using packet_types = typename detail::all_packet_types<families>::type;
    static_assert(detail::packet_types_valid(packet_types{}),
                  "ksock::stack<Config>: two packet_types of the registered families take one "
                  "link-layer protocol (each frame goes to one receiver)");

    static constexpr int family_count = static_cast<int>(families::size); //!< how many families
    //! How many protosw entries.
    static constexpr int entry_count = static_cast<int>(entries::size);
    static_assert(entry_count > 0 && entry_count < 255,
                  "ksock::stack<Config>: between 1 and 254 protosw entries are supported");

    // --- the tables generated from the lists ------------------------------
    //! Where one family's entries sit in `entries`.
    struct family_row {
        int first; //!< index of the family's first entry in `entries`
        int count; //!< how many entries the family has
    };
    //! One family_row per family, in `families` order.
    static constexpr auto family_rows = []<class... Fs>(type_list<Fs...>) {
        struct rows {
            family_row r[sizeof...(Fs)];
        } out{};
        int first = 0, i = 0;
        ((out.r[i++] = family_row{first, static_cast<int>(Fs::protosw::size)},
          first += static_cast<int>(Fs::protosw::size)),
         ...);
        return out;
    }(families{});

    //! net_families[]: family number -> index in `families`, or -1.
    static constexpr auto net_families = []<class... Fs>(type_list<Fs...>) {
        struct table {
            signed char idx[af_max];
        } t{};
        for (signed char& x : t.idx)
            x = -1;
        signed char i = 0;
        ((t.idx[Fs::number] = i++), ...);
        return t;
    }(families{});

    //! Every entry's run-time shape (protosw_desc), in `entries` order: what the constexpr lookup
    //! walks.
    static constexpr auto entry_table = []<class... Es>(type_list<Es...>) {
        struct table {
            protosw_desc d[sizeof...(Es)];
        } t{{{Es::type, Es::protocol, Es::flags}...}};
        return t;
    }(entries{});

    //! pf->create's lookup of every (family, type) with protocol 0, done
    //! while compiling: socket(f, t, 0), the usual call, is then one load.
    //! The same function fills it that runs for any other protocol.
    static constexpr auto protocol0_table = []<class... Fs>(type_list<Fs...>) {
        struct table {
            resolution r[sizeof...(Fs)][sock_max];
        } t{};
        std::size_t i = 0;
        (
            [&] {
                const family_row row = family_rows.r[i];
                for (int type = 0; type < sock_max; ++type) {
                    resolution r =
                        Fs::create::lookup(entry_table.d + row.first, row.count, type, 0);
                    if (r.err == 0)
                        r.entry += row.first;
                    t.r[i][type] = r;
                }
                ++i;
            }(),
            ...);
        return t;
    }(families{});

    //! Per ops index (socket::ops, 0 = none): can the entry's ops set a
    //! peek offset (SO_PEEK_OFF)? A bit of a constant table, not a dispatch.
    static constexpr auto ops_peek_off_table = []<class... Es>(type_list<Es...>) {
        struct table {
            bool v[sizeof...(Es) + 1];
        } t{{false, detail::has_set_peek_off<typename Es::ops>...}};
        return t;
    }(entries{});

    //! Per ops index: does the entry take SOL_SOCKET's SO_PEEK_OFF,
    //! SO_RCVLOWAT or SO_KEEPALIVE itself (its ops' set_peek_off /
    //! set_rcvlowat, its proto's keepalive)? The other entries, and every
    //! other option, share one sk_setsockopt: no copy of it per entry.
    static constexpr auto sk_setsockopt_hooks_table = []<class... Es>(type_list<Es...>) {
        struct table {
            bool v[sizeof...(Es) + 1];
        } t{{false, detail::sk_setsockopt_hooks<Es>...}};
        return t;
    }(entries{});

    // --- resolution: one constexpr function, compile time and run time ----

    //! __sys_socket_create's flag check and __sock_create's range checks, in
    //! Linux's order. \p type may carry SOCK_NONBLOCK | SOCK_CLOEXEC.
    static constexpr int check_args(int family, int type) noexcept {
        if (const int err = sock_check_type_flags(type))
            return err;
        return sock_check_range(family, type & sock_type_mask);
    }

    //! net_families[family] and pf->create's lookup. Precondition: the
    //! arguments passed check_args. The entry index in the result is
    //! registry-wide. Inline: with protocol 0 it is two loads.
    KSOCK_ALWAYS_INLINE static constexpr resolution lookup(int family, int type,
                                                           int protocol) noexcept {
        type &= sock_type_mask;
        const int fi = net_families.idx[family];
        if (fi < 0)
            return {-eafnosupport, -1, type, protocol};
        if (protocol == 0)
            return protocol0_table.r[fi][type];
        return lookup_in(fi, type, protocol);
    }
    //! The family's own lookup, for family index \p fi (out of line: the
    //! inline part above is the usual case).
    KSOCK_NOINLINE static constexpr resolution lookup_in(int fi, int type, int protocol) noexcept {
        return detail::with_index<families::size>(
            static_cast<std::size_t>(fi), [&]<std::size_t I>() -> resolution {
                using F = detail::at_t<I, families>;
                constexpr family_row row = family_rows.r[I];
                resolution r =
                    F::create::lookup(entry_table.d + row.first, row.count, type, protocol);
                if (r.err == 0)
                    r.entry += row.first;
                return r;
            });
    }

    //! Everything socket() checks before any allocation or credential:
    //! the entry, or -errno. The same functions run inside socket().
    static constexpr resolution resolve_triple(int family, int type, int protocol) noexcept {
        if (const int err = check_args(family, type))
            return {err, -1, type, protocol};
        return lookup(sock_effective_family(family, type), type, protocol);
    }
    //! The errno socket() would return for the triple, 0 when it resolves.
    static constexpr int resolve_errno(int family, int type, int protocol) noexcept {
        return resolve_triple(family, type, protocol).err;
    }

    //! The entry (family, type, protocol) resolves to, at compile time.
    template <int Family, int Type, int Protocol>
    struct resolve {
    private:
        static constexpr resolution r = resolve_triple(Family, Type, Protocol);
        static_assert(r.err != -einval,
                      "ksock::stack::resolve<F, T, P>: invalid type flags, type or protocol "
                      "(EINVAL)");
        static_assert(r.err != -eafnosupport,
                      "ksock::stack::resolve<F, T, P>: the family is not registered in this "
                      "stack (EAFNOSUPPORT)");
        static_assert(r.err != -esocktnosupport,
                      "ksock::stack::resolve<F, T, P>: the family has no entry for this "
                      "socket type (ESOCKTNOSUPPORT)");
        static_assert(r.err != -eprotonosupport,
                      "ksock::stack::resolve<F, T, P>: no entry of this type serves the "
                      "protocol (EPROTONOSUPPORT)");
        static_assert(r.err == 0 || r.err == -einval || r.err == -eafnosupport ||
                          r.err == -esocktnosupport || r.err == -eprotonosupport,
                      "ksock::stack::resolve<F, T, P>: unsupported triple");

    public:
        //! The resolved entry: its index in `entries` and the entry itself,
        //! the socket's effective family, type, protocol and flags, and the
        //! entry's proto, ops, object type and object size.
        //!@{
        static constexpr int index = r.entry;
        using entry = detail::at_t<static_cast<std::size_t>(r.entry < 0 ? 0 : r.entry), entries>;
        static constexpr int family = sock_effective_family(Family, Type);
        static constexpr int type = r.type;
        static constexpr int protocol = r.protocol;
        static constexpr unsigned flags = entry::flags;
        using prot = typename entry::prot;
        using ops = typename entry::ops;
        using obj_type = typename prot::obj_type;
        static constexpr std::size_t obj_size = prot::obj_size;
        //!@}
    };

    //! Which family (index in `families`) an entry belongs to.
    template <class E>
    static consteval std::size_t family_index_of() {
        constexpr std::size_t e = detail::index_of_v<E, entries>;
        std::size_t f = 0;
        while (f + 1 < families::size && family_rows.r[f + 1].first <= static_cast<int>(e))
            ++f;
        return f;
    }
    template <class E>
    //! The family entry \p E belongs to.
    using family_of = detail::at_t<family_index_of<E>(), families>;

    //! The kernel's name of a callback id, from the core's names and every
    //! family's kfunc table (traces).
    static constexpr const char* kfunc_name(kfunc f) noexcept {
        if (const char* n = kfunc_core_name(f))
            return n;
        const char* r = "?";
        detail::for_each_type(families{}, [&]<class F>() {
            if constexpr (family_has_kfuncs<F>)
                if (const char* n = F::kfuncs.name(f))
                    r = n;
        });
        return r;
    }

    // --- dispatch -----------------------------------------------------------

    //! Call `f.template operator()<Entry>()` for the entry that made \p so
    //! (socket::ops, 1-based): a switch over the entries, out of line.
    template <class F>
    static decltype(auto) with_entry(const ksock::socket& so, F&& f) {
        return detail::with_index<entries::size>(
            static_cast<std::size_t>(so.ops - 1),
            [&]<std::size_t I>() { return f.template operator()<detail::at_t<I, entries>>(); });
    }
    //! The same, with the switch inlined into the caller: for the operations
    //! themselves, where the dispatch is the hot path.
    template <class F>
    [[gnu::always_inline]] static decltype(auto) with_entry_inline(const ksock::socket& so, F&& f) {
        return detail::with_index_inline<entries::size>(
            static_cast<std::size_t>(so.ops - 1),
            [&]<std::size_t I>() { return f.template operator()<detail::at_t<I, entries>>(); });
    }
};

} // namespace ksock
