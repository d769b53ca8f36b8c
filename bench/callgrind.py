#!/usr/bin/env python3
"""Instructions per operation, counted by valgrind --tool=callgrind.

Runs every case of the instruction driver (ksock_bench_instructions --list)
under callgrind with --instr-atstart=no: the driver switches instrumentation
on around its loop only. Each case runs twice, with k and 2k iterations, and
(I(2k) - I(k)) / k is the count per iteration, so starting and stopping the
instrumentation cancels out. The loop's own instructions (the case
loop/empty, or dispatch/<op>/<N>/empty) are printed alongside, and subtracted in the
"net" column (by the reports). Counts are of the calling thread (--separate-threads=yes), so
lwIP's idle tcpip thread does not enter. The host kernel cannot be counted
this way (its work is in kernel mode): those cases are not run here.

For the cases named with --annotate, the source lines that execute the most
instructions per operation are listed (callgrind_annotate, exclusive counts).

Standard library only. Prints markdown tables; --json writes the numbers.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys

BATCH_ITERATIONS = 4      # each iteration opens and closes 1000 sockets
DEFAULT_ITERATIONS = 1000


def iterations_for(case):
    return BATCH_ITERATIONS if case.startswith("batch") else DEFAULT_ITERATIONS


def run_once(binary, case, iterations, work):
    safe = case.replace("/", "_")
    out = os.path.join(work, f"{safe}.{iterations}.out")
    for leftover in (out, out + "-01"):
        if os.path.exists(leftover):
            os.remove(leftover)
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes",
           f"--callgrind-out-file={out}", binary, case, str(iterations)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{case}: exit {p.returncode}\n{p.stderr[-2000:]}")
    main_thread = out + "-01"
    with open(main_thread) as f:
        for line in f:
            if line.startswith("totals:"):
                return int(line.split()[1]), main_thread
    raise RuntimeError(f"{case}: no totals in {main_thread}")


def measure(binary, case, work):
    k = iterations_for(case)
    a, _ = run_once(binary, case, k, work)
    b, out = run_once(binary, case, 2 * k, work)
    return case, (b - a) / k, out


def relative(path):
    """A repository-relative name for a source file (no machine paths)."""
    for marker in ("include/ksock/", "bench/"):
        i = path.rfind(marker)
        if i == 0 or (i > 0 and path[i - 1] == "/"):
            return path[i:]
    return os.path.basename(path)


def hot_lines(outfile, iterations, top):
    """The source lines with the most exclusive instructions per operation."""
    for _ in range(3):  # the sources are read now: retry if one was being rewritten
        p = subprocess.run(["callgrind_annotate", "--auto=yes", "--inclusive=no", outfile],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode == 0 and "-- Auto-annotated source:" in p.stdout:
            break
        sys.stderr.write(f"callgrind_annotate {outfile}: {p.stderr[-500:]}\n")
    rows = []
    cur_file, cur_line = None, 0
    for line in p.stdout.splitlines():
        m = re.match(r"-- Auto-annotated source: (.*)", line)
        if m:
            cur_file, cur_line = m.group(1).strip(), 0
            continue
        m = re.match(r"-- line (\d+) -+", line)
        if m:
            cur_line = int(m.group(1))
            continue
        if cur_file is None or line.startswith("--"):
            continue
        m = re.match(r"^\s*([\d,]+|\.)\s+(?:\([^)]*\)\s+)?(.*)$", line)
        if not m:
            continue
        count, text = m.group(1), m.group(2)
        if text.lstrip().startswith("=>") or text.strip() == "events annotated":
            continue  # a callee's inclusive cost or a file's total, not a source line
        if count != ".":
            rows.append((int(count.replace(",", "")) / iterations, relative(cur_file), cur_line,
                         text.strip()))
        cur_line += 1
    rows.sort(key=lambda r: -r[0])
    by_file = {}
    for r in rows:
        by_file[r[1]] = by_file.get(r[1], 0.0) + r[0]
    return rows[:top], sorted(by_file.items(), key=lambda kv: -kv[1])


def short_name(fn):
    """A function's name without its template arguments and parameters:
    ksock::inet::tcp_peer<tcp_prot, stack<...>>(stack<...>&, sock const&) is
    ksock::inet::tcp_peer."""
    out, depth = [], 0
    for ch in fn.replace("(anonymous namespace)::", ""):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth = max(depth - 1, 0)
        elif ch == "(" and depth == 0:
            break
        elif depth == 0:
            out.append(ch)
    name = "".join(out).strip()
    # "long ksock::inet::udp_sendmsg": drop the return type GCC prints for templates.
    return name.split(" ")[-1] if " " in name else name


def exclusive_rows(outfile):
    """(instructions, "file:function") of every function in callgrind's
    exclusive listing, the object file's name dropped."""
    p = subprocess.run(["callgrind_annotate", "--auto=no", "--inclusive=no", "--threshold=100",
                        outfile], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = False
    for line in p.stdout.splitlines():
        if "file:function" in line:
            seen = True
            continue
        m = re.match(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$", line)
        if not seen or not m or "PROGRAM TOTALS" in line:
            continue
        yield int(m.group(1).replace(",", "")), m.group(2)


def hot_functions(outfile, iterations, top):
    """Exclusive instructions per operation by function, inlined code counted
    where it ran (callgrind charges an inlined body's lines to its caller, so
    the rows are the out-of-line functions)."""
    by_fn = {}
    for n, where in exclusive_rows(outfile):
        where = re.sub(r"\s*\[[^\]]*\]$", "", where)  # the object file
        fn = where.split(":", 1)[1] if ":" in where else where
        name = short_name(fn)
        by_fn[name] = by_fn.get(name, 0.0) + n / iterations
    rows = sorted(by_fn.items(), key=lambda kv: -kv[1])
    return [{"function": f, "per_op": n} for f, n in rows[:top]]


def by_library(outfile, iterations):
    """Exclusive instructions per operation, grouped: glibc's malloc, pthread
    mutexes, lwIP itself, everything else (no debug information is needed)."""
    groups = {"glibc malloc/free": 0.0, "pthread mutexes": 0.0, "lwIP (liblwip.so)": 0.0,
              "other": 0.0}
    for n, where in exclusive_rows(outfile):
        n /= iterations
        if "malloc/" in where:
            groups["glibc malloc/free"] += n
        elif "nptl/" in where or "pthread" in where:
            groups["pthread mutexes"] += n
        elif "liblwip" in where:
            groups["lwIP (liblwip.so)"] += n
        else:
            groups["other"] += n
    return groups


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instructions", required=True, help="the ksock_bench_instructions binary")
    ap.add_argument("--work", required=True, help="where callgrind's files go")
    ap.add_argument("--json", default=None)
    ap.add_argument("--jobs", type=int, default=2,
                    help="valgrind runs at once (counts do not depend on load)")
    ap.add_argument("--annotate", default="socket_close/tcp/ksock,dispatch/so_type/1/ksock,"
                                          "dispatch/proto_opt/16/ksock,dp/udp_send_recv/ksock,"
                                          "dp/tcp_send_recv/64/ksock",
                    help="cases whose hottest source lines are listed")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--libraries", default="socket_close/tcp/lwip",
                    help="cases whose instructions are grouped by library")
    ap.add_argument("--functions",
                    default="dp/udp_send_recv/ksock,dp/tcp_send_recv/64/ksock,"
                            "dp/udp_rr/ksock,dp/tcp_pingpong/64/ksock,"
                            "dp/tcp_send_recv/64/ksock_1024",
                    help="cases whose instructions are grouped by function")
    ap.add_argument("--cases", default=None,
                    help="only the cases matching this regular expression")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)

    cases = subprocess.run([args.instructions, "--list"], stdout=subprocess.PIPE, text=True,
                           check=True).stdout.split()
    if args.cases:
        cases = [c for c in cases if re.search(args.cases, c)]
    counts, outs = {}, {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for case, per_op, out in pool.map(lambda c: measure(args.instructions, c, args.work),
                                          cases):
            counts[case] = per_op
            outs[case] = out
            print(f"{case:32s} {per_op:12.1f} instructions per iteration", flush=True)

    hot, hot_files = {}, {}
    for case in [c for c in args.annotate.split(",") if c]:
        if case in outs:
            rows, files = hot_lines(outs[case], 2 * iterations_for(case), args.top)
            hot[case] = [{"per_op": r[0], "file": r[1], "line": r[2], "text": r[3]}
                         for r in rows]
            hot_files[case] = [{"file": f, "per_op": n} for f, n in files]
            print(f"\nhottest lines of {case} (instructions per operation):")
            for r in rows:
                print(f"  {r[0]:7.1f}  {r[1]}:{r[2]}  {r[3][:90]}")
            print("  by source file: " + ", ".join(f"{f} {n:.0f}" for f, n in files[:10]))
    libraries = {}
    for case in [c for c in args.libraries.split(",") if c]:
        if case in outs:
            libraries[case] = by_library(outs[case], 2 * iterations_for(case))
            print(f"\n{case} by library: " + ", ".join(
                f"{k} {v:.0f}" for k, v in libraries[case].items()))
    functions = {}
    for case in [c for c in args.functions.split(",") if c]:
        if case in outs:
            functions[case] = hot_functions(outs[case], 2 * iterations_for(case), args.top)
            print(f"\nfunctions of {case} (exclusive instructions per operation):")
            for r in functions[case][:12]:
                print(f"  {r['per_op']:8.1f}  {r['function']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"per_iteration": counts, "hot_lines": hot, "hot_files": hot_files,
                       "libraries": libraries, "functions": functions,
                       "iterations": {c: iterations_for(c) for c in cases}}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
