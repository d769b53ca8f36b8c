#!/usr/bin/env python3
"""Compile time of ksock registries, metabench-style.

For each N, a generated translation unit registers N protosw entries in one
user family, each entry with its own object type, proto and ops, resolves
every entry statically (static_assert on resolve<F, T, P>: its index and its
proto) and then
  - series "entries": instantiates the run-time dispatch (socket(f, t, p),
    getsockopt, setsockopt, close over every entry);
  - series "entries_static": calls socket<F, T, P>() + close() for every
    entry instead (N statically resolved creation paths);
  - series "families": as "entries", with N families of one entry each.
The same TU without ksock (the same structs and functions over plain types,
a hand-written switch) is the baseline; the tables report ksock's cost as the
difference of the medians.

Caps, from ksock's own static_asserts: a stack holds at most 254 protosw
entries, and family numbers are below AF_MAX = 46. So the entry series stops
at 254 (not 256) and the family series at 45 (numbers 1 .. 45).

Also measured: #include <ksock/ksock.hpp> alone against an empty TU and
against #include <boost/hana.hpp>; and bench/firmware_tu.cpp, a typical
firmware TU (a default stack, TCP and UDP sockets, bind / listen / connect /
accept, send / recv, getsockopt, close), the cost of real use. With
--before-include (another checkout's include directory) the firmware TU is
also compiled against it, alternating run by run, for a side-by-side
comparison on the same load.

Each ksock TU is also compiled with -fsyntax-only ("front end": parsing,
template instantiation and constant evaluation, no code generation), which
separates the metaprogramming from the code the instantiations produce.

Wall time and peak memory come from /usr/bin/time -f "%e %M" (CPU time,
user + system, is recorded too: on a shared machine it is the steadier of
the two). Standard
library only. Prints a markdown report; --json writes the numbers.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ENTRY_COUNTS = [1, 4, 16, 64, 254]
FAMILY_COUNTS = [1, 4, 16, 45]
FAMILY_BASE = 40  # the entry series' family number


def entry_block(i, family_number):
    """Object type, proto and ops of entry i (protocol i + 1)."""
    return f"""
struct sock_{i} {{
    ksock::sock sk;
    int value_{i};
}};
struct prot_{i} {{
    static constexpr const char* name = "PROTO{i}";
    using obj_type = sock_{i};
    static constexpr std::size_t obj_size = sizeof(sock_{i});
    template <class Ctx>
    static int init(Ctx&, ksock::sock& sk) {{
        reinterpret_cast<sock_{i}*>(&sk)->value_{i} = {i};
        return 0;
    }}
    template <class Ctx>
    static void close(Ctx& ctx, ksock::sock& sk, long) {{
        ksock::sk_common_release<prot_{i}>(ctx, sk);
    }}
}};
struct ops_{i} {{
    static constexpr const char* name = "ops_{i}";
    static constexpr int family = {family_number};
    template <class Entry, class Ctx>
    static int release(Ctx& ctx, ksock::socket& so) {{
        if (ksock::sock* sk = so.sk) {{
            Entry::prot::close(ctx, *sk, 0);
            so.sk = nullptr;
        }}
        return 0;
    }}
    template <class Entry, class Ctx>
    static int getsockopt(Ctx&, ksock::socket& so, int level, int optname, void* optval,
                          ksock::socklen_t* optlen) {{
        if (level != {1000 + i} || optname != 1 || !optval || !optlen || *optlen < sizeof(int))
            return -ksock::enoprotoopt;
        *static_cast<int*>(optval) = reinterpret_cast<sock_{i}*>(so.sk)->value_{i};
        *optlen = sizeof(int);
        return 0;
    }}
}};
using entry_{i} = ksock::protosw<ksock::sock_dgram, {i + 1}, prot_{i}, ops_{i}>;
"""


def baseline_block(i):
    """The same user code without ksock: plain structs, plain functions."""
    return f"""
struct sock_{i} {{
    plain_sock sk;
    int value_{i};
}};
struct prot_{i} {{
    static constexpr const char* name = "PROTO{i}";
    static int init(plain_sock& sk) {{
        reinterpret_cast<sock_{i}*>(&sk)->value_{i} = {i};
        return 0;
    }}
    static void close(plain_sock& sk) {{ sk.refcnt = 0; }}
}};
struct ops_{i} {{
    static constexpr const char* name = "ops_{i}";
    static int release(plain_socket& so) {{
        if (so.sk)
            prot_{i}::close(*so.sk);
        so.sk = nullptr;
        return 0;
    }}
    static int getsockopt(plain_socket& so, int level, int optname, void* optval,
                          unsigned* optlen) {{
        if (level != {1000 + i} || optname != 1 || !optval || !optlen || *optlen < sizeof(int))
            return -92;
        *static_cast<int*>(optval) = reinterpret_cast<sock_{i}*>(so.sk)->value_{i};
        *optlen = sizeof(int);
        return 0;
    }}
}};
sock_{i} pool_{i}[2];
"""


CREATE_POLICY = """
struct gen_create {
    static constexpr ksock::resolution lookup(const ksock::protosw_desc* entries, int n, int type,
                                              int protocol) noexcept {
        if (protocol < 0 || protocol >= 256)
            return {-ksock::einval, -1, type, protocol};
        return ksock::protosw_lookup(entries, n, type, protocol);
    }
    template <class Entry, class Ctx>
    static int create(Ctx& ctx, ksock::socket& so, int protocol, int kern) {
        using P = typename Entry::prot;
        so.state = ksock::ss_unconnected;
        auto* o = ctx.template obj_alloc<P>();
        if (!o)
            return -ksock::enomem;
        ksock::sk_alloc_values(o->sk, ksock::proto_desc_v<P>, P::family_number, kern,
                               &ctx.net(), 0, 0);
        ksock::sock_init_data(&so, o->sk, ctx.trace());
        o->sk.sk_protocol = static_cast<std::uint16_t>(protocol);
        return P::init(ctx, o->sk);
    }
};
"""


def one_family(series):
    return series in ("entries", "entries_static")


def ksock_tu(n, series):
    """The generated TU with ksock. Every series registers and resolves every
    entry; "entries_static" then calls socket<F, T, P>() + close() for each
    entry, the others instantiate the run-time dispatch."""
    out = ["// generated by compile_time.py",
           "#include <cstddef>", "#include <cstdint>", "#include <type_traits>",
           "#include <ksock/core/sock_init.hpp>", "#include <ksock/ksock.hpp>",
           "namespace gen {"]
    triples = []
    create = CREATE_POLICY
    out.append(create.replace("P::family_number", "Entry::prot::family_number"))
    for i in range(n):
        fam = FAMILY_BASE if one_family(series) else i + 1
        block = entry_block(i, fam)
        # The proto carries its family's number for the create policy.
        block = block.replace(
            f'static constexpr const char* name = "PROTO{i}";',
            f'static constexpr const char* name = "PROTO{i}";\n'
            f"    static constexpr int family_number = {fam};")
        out.append(block)
        triples.append((fam, i + 1))
    if one_family(series):
        entries = ", ".join(f"entry_{i}" for i in range(n))
        out.append(f"using family_0 = ksock::family<{FAMILY_BASE}, gen_create, "
                   f"ksock::type_list<{entries}>>;")
        families = "family_0"
    else:
        for i in range(n):
            out.append(f"using family_{i} = ksock::family<{i + 1}, gen_create, "
                       f"ksock::type_list<entry_{i}>>;")
        families = ", ".join(f"family_{i}" for i in range(n))
    out.append(f"""
struct config : ksock::default_config {{
    using families = ksock::type_list<{families}>;
    static constexpr std::size_t max_fds = 16;
    static constexpr std::size_t max_sockets = 16;
    template <class Proto>
    static constexpr std::size_t proto_objects = 2;
}};
using S = ksock::stack<config>;
constinit S s;
""")
    for i, (fam, proto) in enumerate(triples):
        r = f"S::resolve<{fam}, ksock::sock_dgram, {proto}>"
        out.append(f"static_assert({r}::index == {i} && std::is_same_v<{r}::prot, prot_{i}>);")
    if series == "entries_static":
        out.append("int use_static() {\n    int r = 0;")
        for fam, proto in triples:
            out.append(f"    r += s.close(s.socket<{fam}, ksock::sock_dgram, {proto}>());")
        out.append("    return r;\n}")
    else:
        out.append(RUNTIME_USE)
    out.append("} // namespace gen")
    return "\n".join(out) + "\n"


RUNTIME_USE = """
int use_runtime(int family, int type, int protocol, int level, int optname) {
    const int fd = s.socket(family, type, protocol);
    int v = 0;
    ksock::socklen_t len = sizeof v;
    int r = s.getsockopt(fd, level, optname, &v, &len);
    r += s.setsockopt(fd, level, optname, &v, len);
    return r + s.close(fd);
}"""


def baseline_tu(n, series):
    out = ["// generated by compile_time.py: the baseline, without ksock",
           "#include <cstddef>", "#include <cstdint>",
           "namespace gen {",
           "struct plain_sock { int family; int type; int protocol; int refcnt; "
           "unsigned char rest[400]; };",
           "struct plain_socket { int state; short type; plain_sock* sk; int entry; };",
           "plain_socket sockets[16];"]
    triples = []
    for i in range(n):
        fam = FAMILY_BASE if one_family(series) else i + 1
        out.append(baseline_block(i))
        triples.append((fam, i + 1))
    out.append("int create(int family, int type, int protocol) {\n    switch (protocol) {")
    for i, (fam, proto) in enumerate(triples):
        out.append(f"    case {proto}:\n        if (family != {fam} || type != 2) return -93;\n"
                   f"        sockets[0].sk = &pool_{i}[0].sk; sockets[0].entry = {i};\n"
                   f"        return prot_{i}::init(pool_{i}[0].sk);")
    out.append("    default:\n        return -93;\n    }\n}")
    out.append("int dispatch_getsockopt(plain_socket& so, int level, int optname, void* v, "
               "unsigned* len) {\n    switch (so.entry) {")
    for i in range(n):
        out.append(f"    case {i}:\n        return ops_{i}::getsockopt(so, level, optname, v, len);")
    out.append("    default:\n        return -9;\n    }\n}")
    out.append("int dispatch_release(plain_socket& so) {\n    switch (so.entry) {")
    for i in range(n):
        out.append(f"    case {i}:\n        return ops_{i}::release(so);")
    out.append("    default:\n        return -9;\n    }\n}")
    if series == "entries_static":
        out.append("int use_static() {\n    int r = 0;")
        for fam, proto in triples:
            out.append(f"    r += create({fam}, 2, {proto}) + dispatch_release(sockets[0]);")
        out.append("    return r;\n}")
    else:
        out.append("""
int use_runtime(int family, int type, int protocol, int level, int optname) {
    int r = create(family, type, protocol);
    int v = 0;
    unsigned len = sizeof v;
    r += dispatch_getsockopt(sockets[0], level, optname, &v, &len);
    return r + dispatch_release(sockets[0]);
}""")
    out.append("} // namespace gen")
    return "\n".join(out) + "\n"


def measure(compiler, source, include, work, runs, syntax_only=False):
    """Median wall time (s), median peak RSS (MiB) and median CPU time (user +
    system, s) of compiling source."""
    times, mems, cpus = [], [], []
    obj = os.path.join(work, "out.o")
    for _ in range(runs):
        mode = ["-fsyntax-only"] if syntax_only else ["-O2", "-c", "-o", obj]
        cmd = ["/usr/bin/time", "-f", "%e %M %U %S", compiler, "-std=c++20", *mode,
               "-I", include, source]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stderr[-4000:])
            raise SystemExit(f"compile failed: {' '.join(cmd)}")
        e, m, u, sy = p.stderr.strip().splitlines()[-1].split()
        times.append(float(e))
        mems.append(int(m) / 1024.0)
        cpus.append(float(u) + float(sy))
    return statistics.median(times), statistics.median(mems), statistics.median(cpus)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--include", required=True, help="ksock's include directory")
    ap.add_argument("--gxx", default="g++")
    ap.add_argument("--clangxx", default="clang++")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--include-runs", type=int, default=5)
    ap.add_argument("--work", default=None, help="where the generated TUs go")
    ap.add_argument("--json", default=None, help="write the numbers here")
    ap.add_argument("--entries", default=",".join(map(str, ENTRY_COUNTS)))
    ap.add_argument("--families", default=",".join(map(str, FAMILY_COUNTS)))
    ap.add_argument("--firmware-runs", type=int, default=5)
    ap.add_argument("--before-include", default=None,
                    help="an older include directory to compile the firmware TU against too")
    ap.add_argument("--only-firmware", action="store_true", help="measure the firmware TU only")
    args = ap.parse_args()

    work = args.work or tempfile.mkdtemp(prefix="ksock-ct-")
    os.makedirs(work, exist_ok=True)
    compilers = {"g++": args.gxx, "clang++": args.clangxx}
    result = {"runs": args.runs, "include_runs": args.include_runs, "flags": "-std=c++20 -O2 -c",
              "includes": {}, "series": {}}

    # --- a typical firmware TU (alternating with --before-include's) ---
    firmware = os.path.join(os.path.dirname(os.path.abspath(__file__)), "firmware_tu.cpp")
    trees = {"now": args.include}
    if args.before_include:
        trees["before"] = args.before_include
    samples = {(tree, c): [] for tree in trees for c in compilers}
    for _ in range(args.firmware_runs):
        for tree, inc in trees.items():
            for cname, cxx in compilers.items():
                samples[(tree, cname)].append(measure(cxx, firmware, inc, work, 1))
    result["firmware"] = {}
    for (tree, cname), xs in samples.items():
        t, m, c = (statistics.median(x[i] for x in xs) for i in range(3))
        result["firmware"].setdefault(tree, {})[cname] = {"time": t, "mem": m, "cpu": c}
        print(f"firmware TU ({tree}) {cname:8s} {t:6.2f} s ({c:.2f} s CPU) {m:7.1f} MiB",
              flush=True)
    result["firmware_runs"] = args.firmware_runs
    if args.only_firmware:
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=1)
        return

    # --- the cost of the includes ---
    includes = {"empty": "", "boost/hana.hpp": "#include <boost/hana.hpp>\n",
                "ksock/ksock.hpp": "#include <ksock/ksock.hpp>\n"}
    for name, text in includes.items():
        path = os.path.join(work, "include_" + name.replace("/", "_").replace(".", "_") + ".cpp")
        with open(path, "w") as f:
            f.write(text)
        for cname, cxx in compilers.items():
            t, m, c = measure(cxx, path, args.include, work, args.include_runs)
            result["includes"].setdefault(name, {})[cname] = {"time": t, "mem": m, "cpu": c}
            print(f"include {name:18s} {cname:8s} {t:6.2f} s {m:7.1f} MiB", flush=True)

    # --- the registries ---
    for series, counts in (("entries", args.entries), ("entries_static", args.entries),
                           ("families", args.families)):
        rows = []
        for n in [int(x) for x in counts.split(",") if x]:
            k_path = os.path.join(work, f"{series}_{n}_ksock.cpp")
            b_path = os.path.join(work, f"{series}_{n}_baseline.cpp")
            with open(k_path, "w") as f:
                f.write(ksock_tu(n, series))
            with open(b_path, "w") as f:
                f.write(baseline_tu(n, series))
            row = {"n": n}
            for cname, cxx in compilers.items():
                kt, km, kc = measure(cxx, k_path, args.include, work, args.runs)
                bt, bm, bc = measure(cxx, b_path, args.include, work, args.runs)
                ft, fm, fc = measure(cxx, k_path, args.include, work, args.runs,
                                     syntax_only=True) \
                    if series != "entries_static" else (None, None, None)
                row[cname] = {"time": kt, "mem": km, "base_time": bt, "base_mem": bm,
                              "delta_time": kt - bt, "delta_mem": km - bm,
                              "frontend_time": ft, "frontend_mem": fm,
                              "cpu": kc, "base_cpu": bc, "delta_cpu": kc - bc, "frontend_cpu": fc}
                print(f"{series:8s} N={n:3d} {cname:8s} ksock {kt:6.2f} s {km:7.1f} MiB, "
                      f"baseline {bt:5.2f} s {bm:6.1f} MiB"
                      + (f", front end only {ft:5.2f} s" if ft is not None else ""),
                      flush=True)
            rows.append(row)
        result["series"][series] = rows

    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
