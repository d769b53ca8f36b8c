// bench/bench_family.hpp: the configurations the benchmarks measure.
//
//  * big_config: PF_UNIX + PF_INET as in default_config, with room for 1024
//    descriptors, sockets and objects of each proto (the batch benchmark
//    keeps 1000 sockets open at once).
//  * bench_family<N>: a user family (PF 40) whose protosw list has N entries
//    of SOCK_DGRAM with the distinct protocols 1 .. N, each with its own ops
//    type bench_ops<I> (whose getsockopt at level SOL_BENCH answers a value of
//    its own, so the arms of the dispatch switch differ), all sharing one proto. It is built
//    like examples/custom_family.cpp, on the generic create steps
//    (ksock::sk_create). dispatch_config<N> registers it alone.
#pragma once

#include <cstddef>
#include <cstring>
#include <utility>

#include <ksock/core/sk_create.hpp>
#include <ksock/core/sk_release_ops.hpp>
#include <ksock/core/sock_init.hpp>
#include <ksock/ksock.hpp>
#include <ksock/registry/ranged_lookup.hpp>

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
struct bench_ops : ksock::sk_release_ops {
    static constexpr const char* name = "bench_ops";
    static constexpr int family = pf_bench;

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

//! The create policy: protocols 0 .. 255, the generic create steps, and
//! the tag (the protocol) as the family's own field.
struct bench_create : ksock::ranged_lookup<bench_nproto>, ksock::sk_create_defaults {
    template <class Entry>
    static constexpr void values(bench_sock& b, int protocol) noexcept {
        b.tag = protocol;
    }

    template <class Entry, class Ctx>
    static int create(Ctx& ctx, ksock::socket& so, int protocol, int kern) {
        return ksock::sk_create<Entry, bench_create>(ctx, so, pf_bench, protocol, kern);
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
