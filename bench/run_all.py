#!/usr/bin/env python3
"""Run every ksock benchmark and write the report.

  1. run time (ksock_bench_runtime, Google Benchmark): ksock, lwIP and the
     host kernel in one run, and the dispatch designs;
  2. instructions per operation (callgrind.py over ksock_bench_instructions);
  3. compile time as the registries grow (compile_time.py);
  4. the data path (UDP, TCP, AF_UNIX, connect/accept, poll over loopback):
     its run time (in 1.), its instructions and where they go (in 2.), and
     the static RAM and host code size (ksock_bench_size_udp);
  5. TCP over a link (tcp_bench.py over ksock_bench_tcp): bulk throughput
     and instructions per segment, ksock and the lean lwIP over an in-memory
     link, ksock against the kernel over TAP, the kernel over veth; a
     64-byte message over the link; RAM per connection;
then RESULTS.md, README-section.md and two charts (socket_close.svg,
compile_time.svg, drawn by gnuplot) in --out, with the machine they ran on
and each target of the benchmark issue checked against the measured ratios.

Standard library only, plus gnuplot (Debian: gnuplot-nox). The CMake test
bench.report runs it (cmake --workflow --preset bench).
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys

import tcp_bench  # section 5 (same folder)

HERE = os.path.dirname(os.path.abspath(__file__))
#: The line after which README.md's performance section is written by hand.
README_END = "<!-- The performance section above is written by bench/run_all.py. -->"
STACKS = ["ksock", "ksock_static", "floor", "lwip_lean", "lwip", "kernel"]
STACK_LABELS = {"ksock": "ksock `socket(f,t,p)`", "ksock_static": "ksock `socket<F,T,P>()`",
                "floor": "floor", "lwip_lean": "lean lwIP", "lwip": "Debian's lwIP",
                "kernel": "Linux"}
PROTOS = [("tcp", "TCP"), ("udp", "UDP"), ("unix", "AF_UNIX stream")]


def sh(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              shell=isinstance(cmd, str)).stdout.strip()
    except OSError:
        return ""


def first_line(text):
    return text.splitlines()[0] if text else "unknown"


def revision():
    """The commit measured, and whether the work tree differed from it."""
    head = sh(["git", "-C", HERE, "rev-parse", "--short", "HEAD"])
    if not re.fullmatch(r"[0-9a-f]{7,40}", head or ""):
        return "unknown (not a git checkout)"
    dirty = sh(["git", "-C", HERE, "status", "--porcelain", "--", "../include"])
    return f"commit {head}" + (" with uncommitted changes to include/" if dirty else "")


def machine(args):
    lscpu = sh(["lscpu"])
    field = lambda k: next((l.split(":", 1)[1].strip() for l in lscpu.splitlines()
                            if l.startswith(k + ":")), "unknown")
    dpkg = lambda p: sh(["dpkg-query", "-W", "-f=${Version}", p]) or "unknown"
    return {
        "cpu": field("Model name"),
        "cpus": field("CPU(s)"),
        "threads_per_core": field("Thread(s) per core"),
        "hypervisor": field("Hypervisor vendor"),
        "kernel": platform.release(),
        "os": sh("sed -n 's/^PRETTY_NAME=\"\\(.*\\)\"/\\1/p' /etc/os-release") or "unknown",
        "gxx": first_line(sh([args.gxx, "--version"])),
        "clangxx": first_line(sh([args.clangxx, "--version"])),
        "benchmark": dpkg("libbenchmark-dev"),
        "lwip": dpkg("liblwip-dev"),
        "valgrind": first_line(sh(["valgrind", "--version"])),
        "date": datetime.date.today().isoformat(),
        "revision": revision(),
    }


# --- 1. run time -----------------------------------------------------------------

def parse_runtime(data):
    """run name -> {"cpu", "real"} in ns: the median of the repetitions (or the
    single run when there was one), or {"error"} for a case that could not run."""
    res = {}
    for b in data["benchmarks"]:
        name = b.get("run_name", b["name"])
        # Cases measured with MeasureProcessCPUTime() or a fixed iteration
        # count carry suffixes.
        name = re.sub(r"(/iterations:\d+)?(/process_time)?$", "", name)
        if b.get("error_occurred"):
            res[name] = {"error": b.get("error_message", "error")}
            continue
        agg = b.get("aggregate_name")
        if agg not in (None, "median"):
            continue
        if agg is None and name in res:
            continue  # a repetition; the median comes with the aggregates
        unit = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        res[name] = {"cpu": b["cpu_time"] * unit, "real": b["real_time"] * unit}
    return res


def run_runtime(args):
    out = os.path.join(args.work, "runtime.json")
    cmd = [args.runtime, f"--benchmark_out={out}", "--benchmark_out_format=json",
           f"--benchmark_repetitions={args.repetitions}",
           "--benchmark_report_aggregates_only=true",
           f"--benchmark_min_time={args.min_time}"]
    print("$ " + " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cmd)),
          flush=True)
    subprocess.run(cmd, check=True)
    with open(out) as f:
        data = json.load(f)
    return parse_runtime(data), data.get("context", {})


# --- helpers ---------------------------------------------------------------------

def fmt_ns(ns):
    if ns is None:
        return "–"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.1f} ns"


def fmt_ratio(x):
    if x is None:
        return "–"
    return f"{x:.0f}×" if x >= 10 else f"{x:.2f}×"


def t(rt, name):
    v = rt.get(name)
    return v["cpu"] if v and "cpu" in v else None


def verdict(ok):
    return "**met**" if ok else "**missed**"


# --- charts ------------------------------------------------------------------------

def gnuplot(args, script):
    scripts = [script]
    if args.preview_png:
        # The same chart as a PNG in --work, for a quick look.
        svg = re.search(r'set output "([^"]+)"', script).group(1)
        png = os.path.join(args.work, os.path.basename(svg)[:-4] + ".png")
        scripts.append(re.sub(r'set terminal svg size (\d+),(\d+) dynamic font "sans,12"',
                              r'set terminal pngcairo size \1,\2 font "sans,10"', script)
                       .replace(f'set output "{svg}"', f'set output "{png}"'))
    for text in scripts:
        p = subprocess.run([args.gnuplot], input=text, text=True, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise RuntimeError("gnuplot failed:\n" + p.stderr)


def chart_socket_close(args, rt):
    dat = os.path.join(args.work, "socket_close.dat")
    with open(dat, "w") as f:
        f.write("# proto " + " ".join(STACKS) + "\n")
        for key, label in PROTOS:
            vals = [t(rt, f"socket_close/{key}/{s}") for s in STACKS]
            f.write(f'"{label}" ' + " ".join("-" if v is None else f"{v:.2f}" for v in vals)
                    + "\n")
    svg = os.path.join(args.out, "socket_close.svg")
    gnuplot(args, f"""
set terminal svg size 900,480 dynamic font "sans,12" background "white"
set output "{svg}"
set termoption noenhanced
set title "socket() + close(): time per pair (median CPU time, log scale)"
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set xrange [-0.6:2.6]
set yrange [10:30000]
set ylabel "ns per socket() + close()"
set grid ytics
set key top left
set format y "%.0f"
plot "{dat}" using 2:xtic(1) title "ksock socket(f,t,p)" lc rgb "#1b7837", \\
     "" using 3 title "ksock socket<F,T,P>()" lc rgb "#7fbf7b", \\
     "" using 4 title "floor (hand-written static pools)" lc rgb "#bababa", \\
     "" using 5 title "lean lwIP 2.1.3 (static pools, no-op locks)" lc rgb "#67a9cf", \\
     "" using 6 title "Debian's lwIP 2.1.3 (malloc, pthreads)" lc rgb "#2166ac", \\
     "" using 7 title "Linux {platform.release().split('-')[0]} socket(2)" lc rgb "#b2182b"
""")
    return "socket_close.svg"


def chart_compile_time(args, ct):
    rows = ct["series"]["entries"]
    dat = os.path.join(args.work, "compile_time.dat")
    with open(dat, "w") as f:
        f.write("# n gxx clangxx gxx_fe clangxx_fe gxx_lin clangxx_lin gxx_static clangxx_static\n")
        static = {r["n"]: r for r in ct["series"].get("entries_static", [])}
        ref = {c: next((r[c]["delta_time"] for r in rows if r["n"] == 16), None)
               for c in ("g++", "clang++")}
        for r in rows:
            n = r["n"]
            lin = [ref[c] * n / 16 if ref[c] and n >= 16 else None for c in ("g++", "clang++")]
            f.write(f"{n} {max(r['g++']['delta_time'], 0.005):.3f} "
                    f"{max(r['clang++']['delta_time'], 0.005):.3f} "
                    f"{r['g++']['frontend_time']:.3f} {r['clang++']['frontend_time']:.3f} "
                    + " ".join("-" if x is None else f"{x:.3f}" for x in lin) + " "
                    + " ".join(f"{max(static[n][c]['delta_time'], 0.005):.3f}" if n in static
                               else "-" for c in ("g++", "clang++")) + "\n")
    svg = os.path.join(args.out, "compile_time.svg")
    gnuplot(args, f"""
set terminal svg size 820,560 dynamic font "sans,12" background "white"
set output "{svg}"
set termoption noenhanced
set datafile missing "-"
set title "Compile time against protosw entries N (one family, -O2, median of {ct['runs']})"
set logscale xy
set xrange [0.8:320]
set xtics ("1" 1, "4" 4, "16" 16, "64" 64, "254" 254)
set xlabel "protosw entries N (254 is ksock's cap)"
set ylabel "seconds"
set grid
set key top left
set format y "%g"
plot "{dat}" using 1:2 with linespoints lw 2 pt 7 lc rgb "#b2182b" title "g++: run-time dispatch TU - baseline", \\
     "" using 1:3 with linespoints lw 2 pt 5 lc rgb "#2166ac" title "clang++: run-time dispatch TU - baseline", \\
     "" using 1:8 with linespoints lw 1 dt 4 pt 9 lc rgb "#b2182b" title "g++: socket<F,T,P>() for every entry - baseline", \\
     "" using 1:9 with linespoints lw 1 dt 4 pt 11 lc rgb "#2166ac" title "clang++: socket<F,T,P>() for every entry - baseline", \\
     "" using 1:4 with linespoints dt 2 pt 6 lc rgb "#b2182b" title "g++: run-time dispatch TU, front end only", \\
     "" using 1:5 with linespoints dt 2 pt 4 lc rgb "#2166ac" title "clang++: run-time dispatch TU, front end only", \\
     "" using 1:6 with lines dt 3 lc rgb "#888888" title "linear from N = 16 (g++, run-time dispatch)"
""")
    return "compile_time.svg"


# --- 4. the data path ---------------------------------------------------------------

DP_ROWS = [
    ("udp_rr", "UDP request/response, 64 B each way (sendto + recvfrom, twice)"),
    ("tcp_pingpong/1", "TCP ping-pong, 1 B each way"),
    ("tcp_pingpong/64", "TCP ping-pong, 64 B each way"),
    ("tcp_pingpong/1460", "TCP ping-pong, 1460 B each way"),
    ("tcp_pingpong/16384", "TCP ping-pong, 16384 B each way"),
    ("unix_stream", "AF_UNIX stream ping-pong (socketpair), 64 B each way"),
    ("unix_dgram", "AF_UNIX dgram ping-pong (socketpair), 64 B each way"),
    ("tcp_cycle", "TCP socket + connect + accept + close both (SO_LINGER {1,0})"),
    ("tcp_cycle_graceful", "the same with an orderly close (FIN both ways)"),
    ("poll/1", "`poll()`, 1 UDP fd, timeout 0"),
    ("poll/8", "`poll()`, 8 UDP fds"),
    ("poll/32", "`poll()`, 32 UDP fds"),
]


def measure_sizes(args):
    """sizeof the stacks (printed by ksock_bench_size_udp) and the .text,
    .rodata and .data.rel.ro ksock adds to a UDP request/response (the program
    minus its stubbed baseline)."""
    if not (args.size_udp and args.size_udp_baseline):
        return None
    p = subprocess.run([args.size_udp], stdout=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError("ksock_bench_size_udp failed:\n" + p.stdout)
    res = {}
    for line in p.stdout.splitlines():
        m = re.match(r"sizeof (\w+) (\d+)", line)
        if m:
            res[m.group(1)] = int(m.group(2))

    def sections(path):
        out = sh(["size", "-A", path])
        return {m.group(1): int(m.group(2))
                for m in re.finditer(r"^(\.[\w.]+)\s+(\d+)\s+\d+$", out, re.M)}

    a, b = sections(args.size_udp), sections(args.size_udp_baseline)
    for sec in (".text", ".rodata", ".data.rel.ro", ".data", ".bss"):
        res[sec] = {"with": a.get(sec, 0), "baseline": b.get(sec, 0),
                    "ksock": a.get(sec, 0) - b.get(sec, 0)}
    return res


def datapath_section(w, rt, cg, sizes):
    per = cg["per_iteration"]
    loop = per.get("loop/empty", 0.0)
    net = lambda c: per[c] - loop if c in per else None
    w("## 4. Data path: ksock, lwIP and the Linux kernel over loopback")
    w("")
    w("One process, one thread calling, nothing on the wire. **ksock**: a `default_stack` "
      "(64 fds, 32 objects per proto, 64 skbs of 2 KiB), every socket non-blocking, its "
      "in-stack loopback delivering each packet inside the sending call. **lwIP**: Debian's "
      "build as above, its BSD API with blocking calls over a netif `127.0.0.1/8` that is "
      "up and default (`LWIP_NETIF_LOOPBACK`: Debian's build has no loop interface of its "
      "own); every looped packet is queued to the tcpip thread (`netif_poll`), which runs "
      "the input path and wakes the caller. **Linux**: real sockets on 127.0.0.1 and "
      "`socketpair(AF_UNIX)` in this process, `MSG_DONTWAIT`. TCP connections have "
      "`TCP_NODELAY` on both ends (a request/response exchange; Nagle would wait for the "
      "peer's delayed ACK on every stack); a transfer that a send buffer cuts short goes on "
      "after the receiver has read. See `bench/datapath.hpp`.")
    w("")
    w("Times are the median **process** CPU time per operation (all threads: lwIP's tcpip "
      "thread does most of lwIP's work; the kernel's time is system time of the calling "
      "thread), and for lwIP also the wall time, which adds the thread hand-offs' latency. "
      "The ratios compare CPU times. Instructions: ksock only (callgrind, net of the loop); "
      "lwIP's work is split across threads and the kernel's is in kernel mode.")
    w("")
    w("| operation | ksock | ksock instr | lwIP CPU | lwIP wall | Linux | lwIP / ksock "
      "| Linux / ksock |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for key, label in DP_ROWS:
        k, lw_, kr = (t(rt, f"dp/{key}/{s}") for s in ("ksock", "lwip", "kernel"))
        lw_wall = rt.get(f"dp/{key}/lwip", {}).get("real")
        ins = net(f"dp/{key}/ksock")
        w(f"| {label} | {fmt_ns(k)} | " + ("–" if ins is None else f"{ins:.0f}") +
          f" | {fmt_ns(lw_)} | {fmt_ns(lw_wall)} | {fmt_ns(kr)} | "
          f"{fmt_ratio(lw_ / k if lw_ and k else None)} | "
          f"{fmt_ratio(kr / k if kr and k else None)} |")
    w("")
    w("lwIP has no AF_UNIX (–). The TCP cycle closes the client with `SO_LINGER {1, 0}` "
      "(an RST, no TIME_WAIT) so that the stacks reach a steady state. With an orderly "
      "close, Linux's TIME_WAIT entries (60 s each) pile up and exhaust its ephemeral ports "
      "within a second of the loop. ksock's 16 TIME_WAIT slots fill and later closes skip "
      "TIME_WAIT (Linux's tw-bucket overflow), so only ksock has that row. lwIP 2.1 aborts "
      "on `SO_LINGER {1, 0}` only when data is unsent or unacknowledged (`api_msg.c`), so "
      "each of its cycles still leaves a TIME_WAIT pcb for 2 MSL (120 s). `tcp_new_port` "
      "walks every pcb per connect, so the cycle slows as they pile up, and after 16 384 "
      "cycles it spins over an exhausted port range (observed). lwIP's figure is therefore "
      "the first 1000 cycles of each repetition, not a steady state.")
    w("")

    # Where the instructions go, by function.
    fns = cg.get("functions", {})
    shown = [c for c in ("dp/udp_send_recv/ksock", "dp/tcp_send_recv/64/ksock",
                         "dp/tcp_send_recv/64/ksock_1024") if c in fns]
    if shown:
        w("### Where ksock's instructions go")
        w("")
        w("One direction of each exchange: `sendto` + `recvfrom` of 64 bytes over UDP, and "
          "`send` + `recv` of 64 bytes over an established TCP connection. Exclusive "
          "instructions per operation by function (callgrind; code inlined into a function "
          "counts as that function's); the last column is the TCP case on a stack with room "
          "for 1024 objects per proto (ops.hpp's `big_config`), two TCP sockets in use.")
        w("")
        for case in shown:
            total = net(case)
            w(f"**{case}**: {total:.0f} instructions")
            w("")
            w("| instr/op | share | function |")
            w("| ---: | ---: | --- |")
            for r in fns[case][:10]:
                w(f"| {r['per_op']:.0f} | {100 * r['per_op'] / total:.0f} % | "
                  f"`{r['function']}` |")
            w("")
        a, b = net("dp/tcp_send_recv/64/ksock"), net("dp/tcp_send_recv/64/ksock_1024")
        c, d = net("dp/udp_send_recv/ksock"), net("dp/udp_send_recv/ksock_1024")
        if None not in (a, b, c, d):
            w("**The same operation, 32 or 1024 objects per proto** (two sockets in use "
              "either way):")
            w("")
            w("| operation | 32 objects (`default_stack`) | 1024 objects | ratio |")
            w("| --- | ---: | ---: | ---: |")
            w(f"| TCP `send` + `recv`, 64 B | {a:.0f} | {b:.0f} | {b / a:.1f}× |")
            w(f"| UDP `sendto` + `recvfrom`, 64 B | {c:.0f} | {d:.0f} | {d / c:.1f}× |")
            w("")

    if sizes:
        w("### Static RAM and code size")
        w("")
        w("| | bytes |")
        w("| --- | ---: |")
        group = lambda n: f"{n:,}".replace(",", " ")
        w(f"| `sizeof(ksock::default_stack)` (64 fds, 64 sockets, 32 objects of each of 6 "
          f"protos, 64 skbs × 2 KiB) | {group(sizes['default_stack'])} |")
        w(f"| `sizeof` of the firmware config of `examples/firmware.cpp` (8 fds, 8 sockets, "
          f"4 TCP + 4 UDP + 2 of each other proto, 16 skbs × 256 B) | "
          f"{group(sizes['fw_stack'])} |")
        for sec, label in ((".text", "code"), (".rodata", "read-only data"),
                           (".data.rel.ro", "relocated read-only data")):
            x = sizes[sec]
            w(f"| `{sec}` ksock adds for a UDP request/response on that stack, x86-64 g++ `-Os` "
              f"({label}: {x['with']} with ksock, {x['baseline']} with stubs) | {x['ksock']} |")
        w("")
        w("The code size is `bench/size_udp.cpp` (examples/firmware.cpp's exchange: two UDP "
          "sockets, bind, sendto, recvfrom, sendto, recv, close, boot) built with `-Os "
          "-fno-exceptions -fno-rtti -ffunction-sections -fdata-sections -Wl,--gc-sections`, "
          "minus the same program over `cmake/arm/size_baseline.hpp`'s stubs. The Cortex-M3 "
          "and M4F figures for the whole firmware example are the `arm.size` test of the "
          "`arm` presets (`cmake/arm/size_report.cmake`).")
        w("")


# --- the report ------------------------------------------------------------------------

def report(args, m, rt, ctx, cg, ct, sizes=None, tcp=None):
    L = []
    w = L.append
    per = cg["per_iteration"]
    loop = per.get("loop/empty", 0.0)
    net = lambda c: per[c] - loop if c in per else None

    def dnet(n, v, op="so_type"):
        c = f"dispatch/{op}/{n}/{v}"
        return per[c] - per[f"dispatch/{op}/{n}/empty"] if c in per else None

    def loop_of(case):
        if case.startswith("dispatch/"):
            return per.get(case.rsplit("/", 1)[0] + "/empty", 0.0)
        return loop

    w("# ksock benchmarks: results")
    w("")
    w("Generated by `bench/run_all.py` (`cmake --workflow --preset bench`); do not edit by hand.")
    w("Every number below comes from the one run recorded here.")
    w("")
    w("## Machine")
    w("")
    w("| | |")
    w("| --- | --- |")
    w(f"| CPU | {m['cpu']} ({m['cpus']} CPUs, {m['threads_per_core']} thread(s) per core"
      + (f", {m['hypervisor']} guest" if m['hypervisor'] != 'unknown' else "") + ") |")
    w(f"| OS, kernel | {m['os']}, Linux {m['kernel']} |")
    w(f"| compilers | {m['gxx']}; {m['clangxx']} |")
    w(f"| libraries | Google Benchmark {m['benchmark']}, lwIP {m['lwip']} (Debian liblwip-dev) |")
    w(f"| tools | {m['valgrind']} |")
    if m.get("load"):
        w("| load average (1 min) when each part started | " + ", ".join(
            f"{p}: {v:.2f}" for p, v in m["load"]) + " |")
    w(f"| ksock | {m['revision']} |")
    w(f"| date | {m['date']} |")
    w("")
    w("The benchmarks are built with `-O2 -g -DNDEBUG` by g++. Times are the median CPU time "
      f"of {args.repetitions} repetitions (Google Benchmark, `--benchmark_min_time="
      f"{args.min_time}`); the machine is shared, so CPU time is used rather than wall time, "
      "and the instruction counts (callgrind, exact and repeatable) are the figures to "
      "compare across runs.")
    if ctx.get("library_build_type") == "debug":
        w("Debian's libbenchmark reports itself as a debug build; that affects only the "
          "harness around the loops, the same for every stack.")
    w("")

    # --- lwIP notes
    w("### The peers")
    w("")
    w("- **Debian's lwIP**: `liblwip-dev` 2.1.3, a shared `liblwip.so` built for the unix "
      "port (the GNU Hurd's configuration): `NO_SYS=0` with pthreads, "
      "`LWIP_TCPIP_CORE_LOCKING=1` (each API call takes the core mutex and runs in the "
      "caller's thread), `MEM_LIBC_MALLOC=1` and `MEMP_MEM_MALLOC=1` (every pcb, netconn "
      "and socket from glibc `malloc`) and `LWIP_SOCKET_OPEN_COUNT=1`. The benchmarks "
      "call `tcpip_init()` once, then `lwip_socket()` ... through the shared library. It "
      "measures lwIP's OS layer as much as lwIP.")
    w("- **lean lwIP**: the same lwIP 2.1.3, built by the benchmarks from Debian's source "
      "package (`apt-get source lwip`) with `bench/lwip_lean/`'s `lwipopts.h` and OS layer, "
      "as a firmware would configure it: static memp pools with room for 1024 netconns, "
      "TCP and UDP pcbs, IPv4 + TCP + UDP, the sockets API, core locking with locks that "
      "do nothing and no tcpip thread (the single-thread contract of ksock's default "
      "`no_lock`), no statistics, no debug, `-O2`. This is the fair peer.")
    w("- **floor**: `bench/floor.hpp`, written by hand: what any static-pool `socket()` + "
      "`close()` must do and nothing more (a bitmap fd table, bitmap pools, ksock's own "
      "object images copied and their pointers fixed, no checks, no lookup, no sysctls); "
      "how far ksock is from the minimum.")
    w("- **Linux**: the host kernel's system calls.")
    w("")
    w("lwIP has no AF_UNIX, so that row has no lwIP figure.")
    lib = cg.get("libraries", {}).get("socket_close/tcp/lwip")
    if lib:
        total = sum(lib.values())
        w("")
        w(f"Where Debian's lwIP's {total:.0f} instructions per TCP `socket()` + `close()` go "
          "(callgrind, exclusive, by library): " + ", ".join(
              f"{k} {v:.0f} ({100 * v / total:.0f} %)" for k, v in lib.items()) + ".")
    w("")

    # --- 1. run time
    w("## 1. Run time: ksock, the floor, lwIP and the Linux kernel")
    w("")
    w("![socket() + close()](socket_close.svg)")
    w("")
    w("| operation | " + " | ".join(STACK_LABELS[s] for s in STACKS)
      + " | lean lwIP / ksock | Linux / ksock |")
    w("| --- |" + " ---: |" * (len(STACKS) + 2))

    def row(label, names, scale=1.0):
        vals = [t(rt, n) if n else None for n in names]
        k = vals[0]
        ratios = [v / k if (v and k) else None
                  for v in (vals[STACKS.index("lwip_lean")], vals[STACKS.index("kernel")])]
        cells = [fmt_ns(v / scale if v else None) for v in vals]
        w(f"| {label} | " + " | ".join(cells) + " | " +
          " | ".join(fmt_ratio(r) for r in ratios) + " |")

    def names(prefix, have):
        return [f"{prefix}/{s}" if s in have else None for s in STACKS]

    for key, label in PROTOS:
        row(f"`socket()` + `close()`, {label}",
            names(f"socket_close/{key}", STACKS if key != "unix" else
                  ("ksock", "ksock_static", "floor", "kernel")))
    row("1000 × `socket()` then 1000 × `close()`, TCP (per socket)",
        names("batch1000/tcp", ("ksock", "ksock_static", "lwip_lean", "lwip", "kernel")),
        scale=1000.0)
    row("`getsockopt(SO_TYPE)` on a TCP fd",
        names("getsockopt_so_type", ("ksock", "lwip_lean", "lwip", "kernel")))
    row("`fcntl(F_GETFL)` on a TCP fd",
        names("fcntl_getfl", ("ksock", "lwip_lean", "lwip", "kernel")))
    w("")
    w("The (family, type, protocol) triple, the option level and name and the fcntl command "
      "pass through an empty `asm` first, so the compiler cannot fold a run-time resolution "
      "into a constant; `socket<F,T,P>()` is resolved while compiling by design. The kernel "
      "figures include the system call entry and exit (with this kernel's mitigations). "
      "The batch keeps 1000 sockets open at once (ksock: a stack configured for 1024 fds, "
      "sockets and objects per proto; lean lwIP: 1024 of each; the kernel: RLIMIT_NOFILE "
      "raised to 2000).")
    w("")

    # instructions for run-time cases
    w("### Instructions per operation (callgrind)")
    w("")
    cg_stacks = [s for s in STACKS if s != "kernel"]
    w("| operation | " + " | ".join(STACK_LABELS[s] for s in cg_stacks)
      + " | lean lwIP / ksock |")
    w("| --- |" + " ---: |" * (len(cg_stacks) + 1))
    fmt_i = lambda c, d=1: "–" if c is None else f"{c / d:.0f}"
    for key, label in PROTOS:
        cells = [net(f"socket_close/{key}/{s}") for s in cg_stacks]
        k_, l_ = cells[0], cells[cg_stacks.index("lwip_lean")]
        w(f"| `socket()` + `close()`, {label} | " + " | ".join(fmt_i(c) for c in cells)
          + f" | {fmt_ratio(l_ / k_) if (k_ and l_) else '–'} |")
    cells = [net(f"batch1000/tcp/{s}") for s in cg_stacks]
    k_, l_ = cells[0], cells[cg_stacks.index("lwip_lean")]
    w("| 1000 × `socket()` + 1000 × `close()`, TCP (per socket) | " +
      " | ".join(fmt_i(c, 1000) for c in cells)
      + f" | {fmt_ratio(l_ / k_) if (k_ and l_) else '–'} |")
    for name, label in (("getsockopt_so_type", "`getsockopt(SO_TYPE)`"),
                        ("fcntl_getfl", "`fcntl(F_GETFL)`")):
        cells = [net(f"{name}/{s}") for s in cg_stacks]
        k_, l_ = cells[0], cells[cg_stacks.index("lwip_lean")]
        w(f"| {label} | " + " | ".join(fmt_i(c) for c in cells)
          + f" | {fmt_ratio(l_ / k_) if (k_ and l_) else '–'} |")
    w("")
    w(f"Counted in the calling thread only, loop overhead ({loop:.0f} instructions per "
      "iteration, measured alone) subtracted. The kernel's share cannot be counted by "
      "callgrind (kernel mode), so Linux has no column here. callgrind counts each "
      "iteration of a `rep`-prefixed instruction as one instruction.")
    w("")

    # --- 2. dispatch
    w("## 2. Dispatch: the switch against the designs it replaces")
    w("")
    w("`getsockopt()` through each design. Every variant has Linux's shape "
      "(`do_sock_getsockopt`): `SOL_SOCKET` is the socket layer's own "
      "(`sk_getsockopt`, told whether the ops can set a peek offset), any other level goes "
      "to the socket's ops; every variant runs the same bodies on the same sockets, behind a "
      "non-inlined function taking the system call's arguments as run-time values. N "
      "entries are registered (a user family whose protosw list has N entries with "
      "distinct protocols and ops types), one socket per entry, and the loop visits the fds "
      "in turn. Two operations: `getsockopt(SOL_SOCKET, SO_TYPE)`, which no design sends "
      "through the ops, and `getsockopt(SOL_BENCH, 1)`, the entry's own option, which every "
      "design but the direct calls dispatches. See `bench/dispatch.hpp`.")
    w("")
    w("| variant | what it does |")
    w("| --- | --- |")
    w("| direct | entry 0's bodies on a known socket: no fd, no dispatch |")
    w("| direct + fd | fd table lookup, then entry 0's bodies (no dispatch) |")
    w("| Linux-style C | fd table → `struct socket` → `const struct proto_ops *` → function "
      "pointer |")
    w("| virtual | fd table → polymorphic socket → virtual call |")
    w("| ksock | `ksock::stack::getsockopt`: fd table → socket → the generated `switch` |")
    w("")
    for op, title in (("so_type", "`getsockopt(fd, SOL_SOCKET, SO_TYPE)`"),
                      ("proto_opt", "`getsockopt(fd, SOL_BENCH, 1)`: through the ops")):
        w(f"**{title}**")
        w("")
        w("| N | direct | direct + fd | Linux-style C | virtual | ksock |")
        w("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for n in (1, 4, 16):
            cells = []
            for v in ("direct", "direct_fd", "fnptr", "virtual", "ksock"):
                c = dnet(n, v, op)
                ns = t(rt, f"dispatch/{op}/{n}/{v}")
                cells.append(f"{c:.0f} instr, {ns:.2f} ns" if c is not None and ns else "–")
            w(f"| {n} | " + " | ".join(cells) + " |")
        w("")
    w("Instructions per operation from callgrind, net of the loop; CPU time per iteration "
      "of the whole loop (Google Benchmark), loop included: differences of a fraction of a "
      "nanosecond are within the noise. The loop alone (the same loop calling an empty "
      "function of the same signature): " + ", ".join(
          f"N={n}: {per[f'dispatch/so_type/{n}/empty']:.0f} instructions, "
          f"{fmt_ns(t(rt, f'dispatch/so_type/{n}/empty'))}" for n in (1, 4, 16)) + ".")
    w("")

    # --- 3. compile time
    w("## 3. Compile time as the registries grow")
    w("")
    w("![compile time against N](compile_time.svg)")
    w("")
    w("A generated translation unit registers N protosw entries, each with its own object "
      "type, proto and ops, and resolves every entry statically (`static_assert` on "
      "`resolve<F,T,P>`: its index and its proto). Then the **run-time dispatch** TU "
      "instantiates `socket(f,t,p)`, `getsockopt`, `setsockopt` and `close` over every "
      "entry, and the **`socket<F,T,P>()`** TU instead calls `socket<F,T,P>()` + `close()` "
      "for every entry (N statically resolved creation paths). The baseline is the same TU "
      "without ksock (the same structs over plain types, a hand-written switch). "
      "`-std=c++20 -O2 -c`, wall time and peak RSS from "
      f"`/usr/bin/time`, median of {ct['runs']} runs. \"front end\" is the TU with "
      "`-fsyntax-only` (parsing, template instantiation, constant evaluation; no code "
      "generation).")
    w("")
    w("ksock's caps, from its own `static_assert`s: a stack holds at most 254 protosw "
      "entries (so the largest N is 254, not 256), and family numbers are below AF_MAX = 46 "
      "(so the family series stops at 45 families, numbers 1 to 45).")
    w("")
    for series, title in (("entries", "Run-time dispatch, N protosw entries in one family"),
                          ("entries_static", "`socket<F,T,P>()` for every entry, N protosw "
                                             "entries in one family"),
                          ("families", "Run-time dispatch, N families of one entry each")):
        rows = ct["series"].get(series)
        if not rows:
            continue
        fe = series != "entries_static"
        w(f"**{title}**")
        w("")
        head = ["ksock TU", "baseline", "ksock − baseline"] + (["front end"] if fe else [])
        w("| N | " + " | ".join(f"{c} {h}" for c in ("g++", "clang++") for h in head) + " |")
        w("| ---: |" + " ---: |" * (2 * len(head)))
        for r in rows:
            cells = []
            for c in ("g++", "clang++"):
                x = r[c]
                cells += [f"{x['time']:.2f} s, {x['mem']:.0f} MiB",
                          f"{x['base_time']:.2f} s, {x['base_mem']:.0f} MiB",
                          f"{x['delta_time']:.2f} s, {x['delta_mem']:.0f} MiB"]
                if fe:
                    cells.append(f"{x['frontend_time']:.2f} s, {x['frontend_mem']:.0f} MiB")
            w(f"| {r['n']} | " + " | ".join(cells) + " |")
        w("")
    fw = ct.get("firmware", {})
    if fw:
        w("**A typical firmware TU** (`bench/firmware_tu.cpp`: a `default_stack`, TCP and UDP "
          "sockets, bind / listen / connect / accept, send / recv, getsockopt, close; "
          f"`-std=c++20 -O2 -c`, median of {ct.get('firmware_runs', 1)} runs"
          + (f", alternating with the same TU against {args.before_label}'s headers"
             if "before" in fw else "") + ")")
        w("")
        w("| headers | g++ | clang++ |")
        w("| --- | ---: | ---: |")
        for tree in ("before", "now"):
            if tree in fw:
                w(f"| {args.before_label if tree == 'before' else 'this commit'} | " + " | ".join(
                    f"{fw[tree][c]['time']:.2f} s ({fw[tree][c]['cpu']:.2f} s CPU), "
                    f"{fw[tree][c]['mem']:.0f} MiB" for c in ("g++", "clang++")) + " |")
        w("")
    inc = ct["includes"]
    w("**Including ksock** (median of %d runs)" % ct["include_runs"])
    w("")
    w("| translation unit | g++ | clang++ |")
    w("| --- | ---: | ---: |")
    for name, label in (("empty", "empty"), ("boost/hana.hpp", "`#include <boost/hana.hpp>`"),
                        ("ksock/ksock.hpp", "`#include <ksock/ksock.hpp>`")):
        w(f"| {label} | " + " | ".join(
            f"{inc[name][c]['time']:.2f} s ({inc[name][c]['cpu']:.2f} s CPU), "
            f"{inc[name][c]['mem']:.0f} MiB" for c in ("g++", "clang++")) + " |")
    w("")

    # --- 4. data path
    datapath_section(w, rt, cg, sizes)

    # --- 5. TCP over a link
    if tcp:
        tcp_bench.section(w, tcp, net("dp/tcp_send_recv/64/ksock"))

    # --- targets
    w("## Targets")
    w("")
    w("| target | measured | verdict |")
    w("| --- | --- | --- |")
    verdicts = {}
    k = t(rt, "socket_close/tcp/ksock")
    lean, lw_, kr = (t(rt, "socket_close/tcp/lwip_lean"), t(rt, "socket_close/tcp/lwip"),
                     t(rt, "socket_close/tcp/kernel"))
    r_lean, r_lwip, r_kern = lean / k, lw_ / k, kr / k
    tcp_i = net("socket_close/tcp/ksock")
    verdicts["instr"] = tcp_i <= 450
    w(f"| callgrind: TCP `socket()`+`close()` ≤ 450 instructions | {tcp_i:.0f} run-time "
      f"resolved, {net('socket_close/tcp/ksock_static'):.0f} static (the floor: "
      f"{net('socket_close/tcp/floor'):.0f})"
      + ("" if verdicts["instr"] else f"; {tcp_i - 450:.0f} over")
      + f" | {verdict(verdicts['instr'])} |")
    for key, label in (("tcp", "TCP"), ("udp", "UDP")):
        ki, li, fi = (net(f"socket_close/{key}/ksock"), net(f"socket_close/{key}/lwip_lean"),
                      net(f"socket_close/{key}/floor"))
        kt, lt = t(rt, f"socket_close/{key}/ksock"), t(rt, f"socket_close/{key}/lwip_lean")
        verdicts[f"lean_{key}"] = 2 * ki <= li
        w(f"| {label} `socket()`+`close()`: ≥ 2× fewer instructions than the lean lwIP | "
          f"{li / ki:.2f}× ({ki:.0f} against {li:.0f}; time {lt / kt:.2f}×, {fmt_ns(kt)} "
          f"against {fmt_ns(lt)}); the floor itself is {li / fi:.2f}× ({fi:.0f}) | "
          f"{verdict(verdicts[f'lean_{key}'])} |")
    ku, kk = t(rt, "socket_close/unix/ksock"), t(rt, "socket_close/unix/kernel")
    verdicts["unix_kernel"] = kk >= 2 * ku
    w(f"| AF_UNIX `socket()`+`close()`: ≥ 2× Linux (time: the kernel's instructions cannot be "
      f"counted here) | {kk / ku:.0f}× ({fmt_ns(ku)} against {fmt_ns(kk)}; "
      f"{net('socket_close/unix/ksock'):.0f} instructions) | {verdict(verdicts['unix_kernel'])} |")
    st_parts, st_ok = [], True
    for key, _ in PROTOS:
        ri, si = net(f"socket_close/{key}/ksock"), net(f"socket_close/{key}/ksock_static")
        rtm, stm = t(rt, f"socket_close/{key}/ksock"), t(rt, f"socket_close/{key}/ksock_static")
        st_ok &= si <= ri
        st_parts.append(f"{key}: {si:.0f} vs {ri:.0f} instr, {fmt_ns(stm)} vs {fmt_ns(rtm)}")
    verdicts["static"] = st_ok
    w(f"| static `socket<F,T,P>()` no slower than `socket(f,t,p)` (verdict on instruction "
      f"counts; the times differ by less than this shared machine's run-to-run noise) | "
      + "; ".join(st_parts) + f" | {verdict(st_ok)} |")
    d_parts, d_ok = [], True
    for n in (1, 4, 16):
        ks, fp = dnet(n, "ksock"), dnet(n, "fnptr")
        d_ok &= ks <= fp
        d_parts.append(f"N={n}: {ks:.0f} vs {fp:.0f}")
    verdicts["dispatch"] = d_ok
    w(f"| fd-dispatched `getsockopt(SO_TYPE)`: no more instructions than function pointers | "
      + "; ".join(d_parts) + f" | {verdict(d_ok)} |")
    p_parts, p_ok = [], True
    for n in (1, 4, 16):
        ks, fp = dnet(n, "ksock", "proto_opt"), dnet(n, "fnptr", "proto_opt")
        p_ok &= ks <= fp
        p_parts.append(f"N={n}: {ks:.0f} vs {fp:.0f}")
    verdicts["dispatch_ops"] = p_ok
    w(f"| (also) `getsockopt` through the ops: the switch against function pointers | "
      + "; ".join(p_parts) + f" | {verdict(p_ok)} |")
    one, dfd, dd = dnet(1, "ksock"), dnet(1, "direct_fd"), dnet(1, "direct")
    verdicts["one"] = one <= dfd
    w(f"| with one entry: the direct call plus the fd lookup | ksock {one:.0f}, direct + fd "
      f"{dfd:.0f} (direct alone {dd:.0f})"
      + ("" if verdicts["one"] else f": {one - dfd:.0f} more") + f" | {verdict(verdicts['one'])} |")
    rows = {r["n"]: r for r in ct["series"]["entries"]}
    nmax = max(rows)
    ns = sorted(rows)
    lin_parts, lin_ok, x4_parts, x4_ok = [], True, [], True
    for c in ("g++", "clang++"):
        parts = []
        for key, label in (("delta_time", "wall"), ("delta_cpu", "CPU")):
            d = {n: rows[n][c][key] for n in ns}
            # Marginal cost of one more entry on the last two intervals: linear
            # growth keeps it constant, superlinear growth raises it.
            a, b, e = ns[-3], ns[-2], ns[-1]
            before, after = (d[b] - d[a]) / (b - a), (d[e] - d[b]) / (e - b)
            ok = after <= 1.1 * before
            if key == "delta_cpu":
                lin_ok &= ok
            parts.append(f"{label} {1000 * before:.0f} → {1000 * after:.0f} ms")
            ratio = d[nmax] / d[16]
            if key == "delta_cpu":
                x4_ok &= ratio <= 4
            x4_parts.append(f"{c} {label}: {ratio:.1f}× ({d[16]:.2f} s → {d[nmax]:.2f} s)")
        lin_parts.append(f"{c}: per added entry, N={ns[-3]}→{ns[-2]} then "
                         f"N={ns[-2]}→{ns[-1]}: " + ", ".join(parts))
    verdicts["linear"], verdicts["x4"] = lin_ok, x4_ok
    w(f"| compile time grows at most linearly in N (run-time dispatch TU; verdict on CPU "
      f"time, met when the last interval's cost per entry is within 10 % of the one "
      f"before) | " + "; ".join(lin_parts) + f" | {verdict(lin_ok)} |")
    w(f"| N={nmax} (the cap; 256 cannot be registered) within 4× of N=16 (ksock − baseline) | "
      + "; ".join(x4_parts) + f" | {verdict(x4_ok)} |")
    if "before" in fw:
        b_, n_ = fw["before"]["g++"]["cpu"], fw["now"]["g++"]["cpu"]
        verdicts["firmware_tu"] = n_ <= 0.7 * b_
        w(f"| the firmware TU compiles ≥ 30 % faster than at {args.before_label} (g++ -O2, CPU "
          f"time, side by side) | {n_:.2f} s against {b_:.2f} s: "
          + (f"{100 * (1 - n_ / b_):.0f} % faster" if n_ <= b_ else
             f"{100 * (n_ / b_ - 1):.0f} % slower") + f" | {verdict(verdicts['firmware_tu'])} |")
    inc_ok = all(inc["ksock/ksock.hpp"][c][k] < inc["boost/hana.hpp"][c][k]
                 for c in ("g++", "clang++") for k in ("time", "cpu"))
    verdicts["include"] = inc_ok
    w("| `#include <ksock/ksock.hpp>` cheaper than `<boost/hana.hpp>` | " + "; ".join(
        f"{c}: {inc['ksock/ksock.hpp'][c]['time']:.2f} s vs "
        f"{inc['boost/hana.hpp'][c]['time']:.2f} s wall, "
        f"{inc['ksock/ksock.hpp'][c]['cpu']:.2f} s vs {inc['boost/hana.hpp'][c]['cpu']:.2f} s CPU"
        for c in ("g++", "clang++")) + f" | {verdict(inc_ok)} |")
    w("")

    # --- hot spots
    hot = cg.get("hot_lines", {})
    if hot:
        w("## Where the instructions go")
        w("")
        w("The source lines that execute the most instructions (exclusive, per operation; "
          "`callgrind_annotate` of the instruction driver, source lines of the build that "
          "produced these numbers).")
        w("")
        for case, rows_ in hot.items():
            w(f"**{case}** ({per[case] - loop_of(case):.0f} "
              "instructions per operation, net of the loop)")
            w("")
            w("| instr/op | source line | code |")
            w("| ---: | --- | --- |")
            for r in rows_:
                code = r["text"].replace("|", "\\|")
                w(f"| {r['per_op']:.1f} | `{r['file']}:{r['line']}` | `{code[:80]}` |")
            w("")
            files = cg.get("hot_files", {}).get(case)
            if files:
                w("By source file: " + ", ".join(
                    f"`{x['file']}` {x['per_op']:.0f}" for x in files if x["per_op"] >= 1) + ".")
                w("")
    analysis = os.path.join(HERE, "analysis.md")
    if os.path.exists(analysis):
        with open(analysis) as f:
            w(f.read().rstrip())
        w("")
    w("## Reproducing")
    w("")
    w("```sh")
    w("apt-get install libbenchmark-dev liblwip-dev pkg-config valgrind gnuplot-nox time python3 "
      "dpkg-dev")
    w("# and a deb-src line for the Debian mirror: the lean lwIP is `apt-get source lwip`")
    w("cmake --workflow --preset bench   # builds bench/, runs everything, rewrites this file and the README's performance section")
    w("```")
    w("")
    w("`bench/callgrind.py` and `bench/compile_time.py` also run on their own (`--help`).")
    return "\n".join(L) + "\n", verdicts, {"r_lwip": r_lwip, "r_kern": r_kern, "k": k,
                                           "lw": lw_, "kr": kr, "tcp_i": tcp_i,
                                           "lean": lean, "r_lean": r_lean}


def readme_section(rt, cg, ct, head, verdicts, m, tcp=None):
    """The README's performance section. Its "| <proto>, instructions |" rows
    are what bench/readme_counts.py (test perf.readme_counts) checks."""
    per = cg["per_iteration"]
    loop = per.get("loop/empty", 0.0)
    net = lambda c: per[c] - loop if c in per else None
    inc = ct["includes"]
    d = lambda n, v, op="so_type": (per[f"dispatch/{op}/{n}/{v}"]
                                    - per[f"dispatch/{op}/{n}/empty"])
    cols = ["ksock", "ksock_static", "floor", "lwip_lean", "lwip", "kernel"]
    L = ["## Performance", "",
         f"Measured at {m['revision']} by `cmake --workflow --preset bench` (needs "
         "`libbenchmark-dev liblwip-dev pkg-config valgrind gnuplot-nox time dpkg-dev` and a "
         "deb-src entry for `apt-get source lwip`; not part of CI) (Google "
         "Benchmark, callgrind, compile-time scripts; `bench/`), every figure below in the "
         "same run on one machine; the full tables, the machine and every target are in "
         "[bench/RESULTS.md](bench/RESULTS.md). The test `perf.readme_counts` checks that the "
         "instruction counts below stay within 5 % of the code's.", "",
         "![socket() + close(): ksock, the floor, lwIP, Linux](bench/socket_close.svg)", "",
         "`socket()` + `close()`: **lean lwIP** is lwIP 2.1.3 built by the benchmarks from "
         "Debian's source as a firmware would (static pools, core locking with no-op locks, "
         "no tcpip thread: ksock's single-thread contract); **Debian's lwIP** is the "
         "packaged library (glibc malloc, pthread mutexes); the **floor** is a hand-written "
         "static-pool `socket()` + `close()` that does only what any implementation must. "
         "Instructions are callgrind's, net of the loop; times are median CPU time.", "",
         "| `socket()` + `close()` | " + " | ".join(STACK_LABELS[s] for s in cols) + " |",
         "| --- |" + " ---: |" * len(cols)]
    for key, label in PROTOS:
        have = cols if key != "unix" else ["ksock", "ksock_static", "floor", "kernel"]
        ins = [net(f"socket_close/{key}/{s}") if s in have and s != "kernel" else None
               for s in cols]
        tms = [t(rt, f"socket_close/{key}/{s}") if s in have else None for s in cols]
        L.append(f"| {label}, instructions | " + " | ".join(
            "–" if v is None else f"{v:.0f}" for v in ins) + " |")
        L.append(f"| {label}, time | " + " | ".join(fmt_ns(v) for v in tms) + " |")
    k, lean = head["k"], head["lean"]
    L += ["",
          f"- **TCP:** ksock takes {head['tcp_i']:.0f} instructions, the lean lwIP "
          f"{net('socket_close/tcp/lwip_lean'):.0f} "
          f"({net('socket_close/tcp/lwip_lean') / head['tcp_i']:.2f}× ksock's) and the floor "
          f"{net('socket_close/tcp/floor'):.0f}; in time ksock is {head['r_lean']:.1f}× faster "
          f"than the lean lwIP ({fmt_ns(k)} against {fmt_ns(lean)}), "
          f"{head['r_lwip']:.0f}× faster than Debian's lwIP and {head['r_kern']:.0f}× faster "
          "than the kernel's system calls.",
          f"- **Dispatch:** `getsockopt(fd, SOL_SOCKET, SO_TYPE)` costs "
          f"{d(1, 'ksock'):.0f} / {d(4, 'ksock'):.0f} / {d(16, 'ksock'):.0f} instructions with "
          f"1 / 4 / 16 registered entries ({d(1, 'fnptr'):.0f} / {d(4, 'fnptr'):.0f} / "
          f"{d(16, 'fnptr'):.0f} Linux-style, {d(1, 'direct_fd'):.0f} for a direct call after "
          "the fd lookup); an option served by the socket's ops goes through ksock's "
          f"generated switch in {d(1, 'ksock', 'proto_opt'):.0f} / "
          f"{d(4, 'ksock', 'proto_opt'):.0f} / {d(16, 'ksock', 'proto_opt'):.0f} instructions, "
          f"against {d(1, 'fnptr', 'proto_opt'):.0f} / {d(4, 'fnptr', 'proto_opt'):.0f} / "
          f"{d(16, 'fnptr', 'proto_opt'):.0f} through `proto_ops` function pointers and "
          f"{d(1, 'virtual', 'proto_opt'):.0f} / {d(4, 'virtual', 'proto_opt'):.0f} / "
          f"{d(16, 'virtual', 'proto_opt'):.0f} through virtual functions."]
    fw = ct.get("firmware", {})
    fw_text = ""
    if "now" in fw:
        fw_text = (f" A typical firmware TU (`bench/firmware_tu.cpp`) compiles in "
                   f"{fw['now']['g++']['cpu']:.2f} s of CPU with g++ -O2"
                   + (f" ({fw['before']['g++']['cpu']:.2f} s at {head['before_label']}, "
                      "side by side)" if "before" in fw else "") + ".")
    L += [f"- **Compile time:** `#include <ksock/ksock.hpp>` costs "
          f"{inc['ksock/ksock.hpp']['g++']['time']:.2f} s with g++ "
          f"(`<boost/hana.hpp>`: {inc['boost/hana.hpp']['g++']['time']:.2f} s). A registry "
          "of N protosw entries, every one "
          "resolved statically and dispatched at run time, adds " + ", ".join(
              f"{r['g++']['delta_time']:.1f} s" for r in ct["series"]["entries"])
          + " for N = " + ", ".join(str(r["n"]) for r in ct["series"]["entries"])
          + " (g++ -O2; 254 entries is a stack's cap)." + fw_text,
          "- **The data path** (one stack holds both ends; Linux: real sockets on 127.0.0.1 "
          "and AF_UNIX in one process; Debian's lwIP: its sockets over a 127.0.0.1/8 loopback "
          "netif, so every packet crosses its tcpip thread; "
          "[RESULTS.md section 4](bench/RESULTS.md)):", "",
          "  | operation | ksock | Linux | Debian's lwIP | instructions (ksock) |",
          "  | --- | ---: | ---: | ---: | ---: |"]
    for key, label in DP_ROWS:
        kt, lt, xt = (t(rt, f"dp/{key}/{s}") for s in ("ksock", "lwip", "kernel"))
        ins = net(f"dp/{key}/ksock")
        L.append(f"  | {label} | {fmt_ns(kt)} | {fmt_ns(xt)} | {fmt_ns(lt)} | "
                 + ("–" if ins is None else f"{ins:.0f}") + " |")
    if tcp:
        L += [""] + tcp_readme_rows(tcp, net("dp/tcp_send_recv/64/ksock"))
    L += ["", "![compile time against N](bench/compile_time.svg)", ""]
    missed = [k for k, v in verdicts.items() if not v]
    if missed:
        L.append("Targets not met yet are listed, with where the cost goes, in "
                 "[bench/RESULTS.md](bench/RESULTS.md#targets).")
        L.append("")
    return "\n".join(L)


def tcp_readme_rows(tcp, dp_loopback):
    """The README's lines for section 5 (TCP over a link)."""
    bulk, sr, ram = tcp["bulk"], tcp["send_recv"], tcp["ram"]
    g = tcp_bench.group
    L = [f"- **TCP over a link** (real segments, MSS 1448; in memory: two stacks joined by "
         f"an in-memory Ethernet link; TAP and veth in a private network namespace; "
         f"[RESULTS.md section 5](bench/RESULTS.md)): {tcp['mib']} MiB one way, and a "
         "64-byte message one way with its ACKs, both ends counted:", "",
         "  | | ksock | lean lwIP | Linux |",
         "  | --- | ---: | ---: | ---: |"]

    def mbs(key):
        b = bulk.get(key, {})
        return tcp_bench.fmt_mbs(b["bytes"], b["cpu_s"]) if "bytes" in b else "–"

    def ins(b, key):
        return g(b[key]) if key in b else "–"
    k, lw = bulk.get("ksock", {}), bulk.get("lwip", {})
    L.append(f"  | bulk, in memory: throughput per CPU second | {mbs('ksock')} | {mbs('lwip')} "
             "| – |")
    L.append(f"  | bulk, in memory: instructions per data segment | {ins(k, 'per_segment')} | "
             f"{ins(lw, 'per_segment')} | – |")
    L.append(f"  | bulk, of which the Internet checksum | {ins(k, 'checksum_per_segment')} | "
             f"{ins(lw, 'checksum_per_segment')} | – |")
    L.append(f"  | bulk, ksock → Linux over TAP: throughput per CPU second (both) | {mbs('tap')} "
             "| – | – |")
    L.append(f"  | bulk, Linux → Linux over veth (GSO): throughput per CPU second | – | – | "
             f"{mbs('veth')} |")
    sk, sl = sr.get("ksock", {}), sr.get("lwip", {})
    L.append(f"  | 64-byte message over the link: instructions | {ins(sk, 'per_op')} | "
             f"{ins(sl, 'per_op')} | – |")
    if dp_loopback is not None:
        L.append(f"  | 64-byte message on one stack's loopback (section 4): instructions | "
                 f"{dp_loopback:.0f} | – | – |")
    if "ksock_conn" in ram:
        wnd = ram["lwip_wnd"] // ram["lwip_mss"]
        f = tcp_bench.ram_figures(ram, wnd)
        L.append(f"  | RAM per connection, {wnd} segments queued each way (bytes) | "
                 f"{g(f['ksock']['total'])} | {g(f['lwip']['total'])} | – |")
    return L


def replace_readme_section(path, section):
    """README.md's "## Performance" section, up to the marker line that ends
    the generated part (or the next "## " heading), becomes \p section; the
    rest of the README, hand-written text after the marker included, is
    kept as it is."""
    with open(path) as f:
        text = f.read()
    m = re.search(r"^## Performance\n.*?(?=^" + re.escape(README_END) + r"$|^## )", text,
                  re.M | re.S)
    if not m:
        raise SystemExit(f"{path}: no '## Performance' section to replace")
    with open(path, "w") as f:
        rest = text[m.end():]
        if not rest.startswith(README_END):
            rest = README_END + "\n\n" + rest
        f.write(text[:m.start()] + section.rstrip("\n") + "\n\n" + rest)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runtime", required=True, help="the ksock_bench_runtime binary")
    ap.add_argument("--instructions", required=True, help="the ksock_bench_instructions binary")
    ap.add_argument("--size-udp", default=None, help="the ksock_bench_size_udp binary")
    ap.add_argument("--size-udp-baseline", default=None,
                    help="the ksock_bench_size_udp_baseline binary")
    ap.add_argument("--tcp", default=None, help="the ksock_bench_tcp binary (section 5)")
    ap.add_argument("--include", required=True, help="ksock's include directory")
    ap.add_argument("--work", required=True, help="scratch directory")
    ap.add_argument("--out", required=True, help="where RESULTS.md and the charts go")
    ap.add_argument("--readme", default=None,
                    help="a README.md whose '## Performance' section is replaced by the new one")
    ap.add_argument("--gxx", default="g++")
    ap.add_argument("--clangxx", default="clang++")
    ap.add_argument("--gnuplot", default="gnuplot")
    ap.add_argument("--repetitions", type=int, default=3)
    ap.add_argument("--min-time", default="0.2")
    ap.add_argument("--compile-runs", type=int, default=3)
    ap.add_argument("--before-include", default=None,
                    help="an older include directory: the firmware TU is compiled against it too")
    ap.add_argument("--before-label", default="the earlier headers",
                    help="what --before-include is (e.g. 'commit 1234abc')")
    ap.add_argument("--before-ref", default=None,
                    help="a commit of this repository whose include/ is --before-include")
    ap.add_argument("--preview-png", action="store_true",
                    help="also draw the charts as PNG files in --work")
    ap.add_argument("--revision", default=None,
                    help="with --reuse: the commit the reused numbers were measured at "
                         "(e.g. 'commit 1234abc'; default: this checkout's)")
    ap.add_argument("--reuse", action="store_true",
                    help="reuse the JSON files a previous run left in --work (report only)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)

    if args.before_ref:
        # That commit's headers, from git itself: nothing else is needed.
        top = sh(["git", "-C", HERE, "rev-parse", "--show-toplevel"])
        ref = sh(["git", "-C", top, "rev-parse", "--short", args.before_ref])
        dest = os.path.join(args.work, "before")
        subprocess.run(f"rm -rf '{dest}' && mkdir -p '{dest}' && git -C '{top}' archive "
                       f"--prefix=include/ '{args.before_ref}:include' | tar -x -C '{dest}'",
                       shell=True, check=True)
        args.before_include = os.path.join(dest, "include")
        args.before_label = f"commit {ref}"
    m = machine(args)
    if args.revision:
        m["revision"] = args.revision
    rt_json = os.path.join(args.work, "runtime.json")
    cg_json = os.path.join(args.work, "callgrind.json")
    ct_json = os.path.join(args.work, "compile_time.json")
    tcp_json = os.path.join(args.work, "tcp.json")

    load = []
    mark = lambda phase: load.append((phase, os.getloadavg()[0]))
    mark("run time")
    if args.reuse and os.path.exists(rt_json):
        with open(rt_json) as f:
            data = json.load(f)
        rt, ctx = parse_runtime(data), data.get("context", {})
    else:
        rt, ctx = run_runtime(args)
    errors = {k: v["error"] for k, v in rt.items() if "error" in v}
    if errors:
        for k, v in errors.items():
            print(f"error: {k}: {v}", file=sys.stderr)
        return 1

    mark("callgrind")
    if not (args.reuse and os.path.exists(cg_json)):
        subprocess.run([sys.executable, os.path.join(HERE, "callgrind.py"),
                        "--instructions", args.instructions,
                        "--work", os.path.join(args.work, "callgrind"),
                        "--json", cg_json], check=True)
    with open(cg_json) as f:
        cg = json.load(f)

    tcp = None
    if args.tcp:
        mark("TCP over a link")
        if not (args.reuse and os.path.exists(tcp_json)):
            subprocess.run([sys.executable, os.path.join(HERE, "tcp_bench.py"),
                            "--binary", args.tcp, "--work", args.work, "--json", tcp_json],
                           check=True)
        with open(tcp_json) as f:
            tcp = json.load(f)

    mark("compile time")
    if not (args.reuse and os.path.exists(ct_json)):
        subprocess.run([sys.executable, os.path.join(HERE, "compile_time.py"),
                        "--include", args.include, "--gxx", args.gxx, "--clangxx", args.clangxx,
                        "--runs", str(args.compile_runs),
                        *(["--before-include", args.before_include]
                          if args.before_include else []),
                        "--work", os.path.join(args.work, "compile_time"),
                        "--json", ct_json], check=True)
    with open(ct_json) as f:
        ct = json.load(f)

    mark("end")
    load_json = os.path.join(args.work, "load.json")
    if not args.reuse:
        with open(load_json, "w") as f:
            json.dump(load, f)
    if os.path.exists(load_json):
        with open(load_json) as f:
            m["load"] = json.load(f)
    sizes = measure_sizes(args)
    chart_socket_close(args, rt)
    chart_compile_time(args, ct)
    text, verdicts, head = report(args, m, rt, ctx, cg, ct, sizes, tcp)
    with open(os.path.join(args.out, "RESULTS.md"), "w") as f:
        f.write(text)
    with open(os.path.join(args.out, "README-section.md"), "w") as f:
        head["before_label"] = args.before_label
        section = readme_section(rt, cg, ct, head, verdicts, m, tcp)
        f.write(section)
    if args.readme:
        replace_readme_section(args.readme, section)
    print(text)
    print("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in verdicts.items()))
    # Missed targets are findings, not failures: the report says what and why.
    return 0


if __name__ == "__main__":
    sys.exit(main())
