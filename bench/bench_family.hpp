// bench/bench_family.hpp: the configurations the benchmarks measure.
//
//  * big_config: PF_UNIX + PF_INET as in default_config, with room for 1024
//    descriptors, sockets and objects of each proto (the batch benchmark
//    keeps 1000 sockets open at once).
//  * bench_family<N>: a user family (PF 40) whose protosw list has N entries
//    of SOCK_DGRAM with the distinct protocols 1 .. N, each with its own ops
//    type bench_ops<I> (whose getsockopt at level SOL_BENCH answers a value of
//    its own, so the arms of the dispatch switch differ), all sharing one proto. It is built
//    like examples/custom_family.cpp. dispatch_config<N> registers it alone.
#pragma once

#include <cstddef>
#include <cstring>
#include <utility>

#include <ksock/core/sock_init.hpp>
#include <ksock/ksock.hpp>

namespace kbench {

struct big_config : ksock::default_config {
    static constexpr std::size_t max_fds = 1024;
    static constexpr std::size_t max_sockets = 1024;
    template <class Proto>
    static constexpr std::size_t proto_objects = 1024;
};
using big_stack = ksock::stack<big_config>;

inline constexpr int pf_bench = 40;
inline constexpr int bench_nproto = 256;
//! Every bench_ops<I> answers getsockopt(sol_bench, 1, ...) with tag + I.
inline constexpr int sol_bench = 1000;

struct bench_sock {
    ksock::sock sk;
    int tag;
};

struct bench_prot {
    static constexpr const char* name = "BENCH";
    using obj_type = bench_sock;
    static constexpr std::size_t obj_size = sizeof(bench_sock);

    template <class Ctx>
    static int init(Ctx&, ksock::sock&) {
        return 0;
    }
    template <class Ctx>
    static void close(Ctx& ctx, ksock::sock& sk, long /*timeout*/) {
        ksock::sk_common_release<bench_prot>(ctx, sk);
    }
};

template <int I>
struct bench_ops {
    static constexpr const char* name = "bench_ops";
    static constexpr int family = pf_bench;

    template <class Entry, class Ctx>
    static int release(Ctx& ctx, ksock::socket& so) {
        if (ksock::sock* sk = so.sk) {
            Entry::prot::close(ctx, *sk, 0);
            so.sk = nullptr;
        }
        return 0;
    }

    template <class Entry, class Ctx>
    static int getsockopt(Ctx&, ksock::socket& so, int level, int optname, void* optval,
                          ksock::socklen_t* optlen) {
        if (level != sol_bench || optname != 1)
            return -ksock::enoprotoopt;
        if (!optval || !optlen || *optlen < sizeof(int))
            return -ksock::einval;
        const int v = reinterpret_cast<const bench_sock*>(so.sk)->tag + I;
        std::memcpy(optval, &v, sizeof v);
        *optlen = sizeof v;
        return 0;
    }
};

struct bench_create {
    static constexpr ksock::resolution lookup(const ksock::protosw_desc* entries, int n, int type,
                                              int protocol) noexcept {
        if (protocol < 0 || protocol >= bench_nproto)
            return {-ksock::einval, -1, type, protocol};
        return ksock::protosw_lookup(entries, n, type, protocol);
    }

    template <class Entry, class Ctx>
    static int create(Ctx& ctx, ksock::socket& so, int protocol, int kern) {
        using P = typename Entry::prot;
        so.state = ksock::ss_unconnected;
        bench_sock* b = ctx.template obj_alloc<P>();
        if (!b)
            return -ksock::enomem;
        ksock::sk_alloc_values(b->sk, ksock::proto_desc_v<P>, pf_bench, kern, &ctx.net(),
                               ctx.cgroup_classid(), ctx.cgroup_prioidx());
        if (!kern)
            ++ctx.net().sock_inuse;
        ksock::sock_init_data(&so, b->sk, ctx.trace());
        b->sk.sk_protocol = static_cast<std::uint16_t>(protocol);
        b->tag = protocol;
        return P::init(ctx, b->sk);
    }
};

template <class Seq>
struct bench_family_of;
template <std::size_t... I>
struct bench_family_of<std::index_sequence<I...>> {
    using type = ksock::family<
        pf_bench, bench_create,
        ksock::type_list<ksock::protosw<ksock::sock_dgram, static_cast<int>(I) + 1, bench_prot,
                                        bench_ops<static_cast<int>(I)>>...>>;
};
template <std::size_t N>
using bench_family = typename bench_family_of<std::make_index_sequence<N>>::type;

template <std::size_t N>
struct dispatch_config : ksock::default_config {
    using families = ksock::type_list<bench_family<N>>;
    static constexpr std::size_t max_fds = 64;
    static constexpr std::size_t max_sockets = 64;
    template <class Proto>
    static constexpr std::size_t proto_objects = 64;
};
template <std::size_t N>
using dispatch_stack = ksock::stack<dispatch_config<N>>;

} // namespace kbench
