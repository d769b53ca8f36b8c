#!/usr/bin/env python3
"""Do the instruction counts the README quotes still hold? (test perf.readme_counts)

The README's performance table (written by run_all.py) has one row of
instructions per protocol:

    | TCP, instructions | <ksock> | <ksock socket<F,T,P>()> | ...

This script counts the same operations with callgrind on the code as it is
now (the instruction driver built from bench/instructions.cpp with
KBENCH_KSOCK_ONLY: ksock's cases only, same flags as the benchmarks) and
fails when a quoted count is more than --tolerance away from the measured
one: then the README is stale, and `cmake --workflow --preset bench`
regenerates it.

Exit 77 (skipped) when valgrind is not installed. Standard library only.
"""
import argparse
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import callgrind  # noqa: E402  (the benchmarks' own counting)

SKIP = 77
ROWS = {"TCP": "tcp", "UDP": "udp", "AF_UNIX stream": "unix"}
STACKS = ("ksock", "ksock_static")


def quoted(readme):
    """{case: count} from the README's instruction rows."""
    out = {}
    with open(readme) as f:
        for line in f:
            m = re.match(r"^\|\s*(.+?), instructions\s*\|(.*)$", line)
            if not m or m.group(1) not in ROWS:
                continue
            cells = [c.strip().replace(",", "") for c in m.group(2).split("|")]
            for stack, cell in zip(STACKS, cells):
                if re.fullmatch(r"\d+", cell):
                    out[f"socket_close/{ROWS[m.group(1)]}/{stack}"] = int(cell)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instructions", required=True, help="the KBENCH_KSOCK_ONLY driver")
    ap.add_argument("--readme", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tolerance", type=float, default=0.05)
    ap.add_argument("--cases", default="socket_close/tcp/ksock,socket_close/udp/ksock",
                    help="which quoted counts to check (comma-separated)")
    args = ap.parse_args()

    if not shutil.which("valgrind"):
        print("skipped: valgrind is not installed (apt-get install valgrind)")
        return SKIP
    want = quoted(args.readme)
    cases = [c for c in args.cases.split(",") if c]
    missing = [c for c in cases if c not in want]
    if missing:
        print(f"error: {args.readme} quotes no count for {', '.join(missing)} "
              "(its table rows '| TCP, instructions | ... |' are written by bench/run_all.py)")
        return 1
    os.makedirs(args.work, exist_ok=True)
    _, loop, _ = callgrind.measure(args.instructions, "loop/empty", args.work)
    bad = 0
    for case in cases:
        _, gross, _ = callgrind.measure(args.instructions, case, args.work)
        got, q = gross - loop, want[case]
        off = abs(got - q) / got
        ok = off <= args.tolerance
        bad += not ok
        print(f"{case}: README {q}, code {got:.0f} instructions ({100 * off:.1f} % apart) "
              + ("ok" if ok else f"STALE: more than {100 * args.tolerance:.0f} % apart"))
    if bad:
        print("The README's figures no longer match the code: regenerate them with "
              "`cmake --workflow --preset bench` and commit README.md and bench/RESULTS.md.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
