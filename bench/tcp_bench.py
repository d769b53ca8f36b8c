#!/usr/bin/env python3
"""TCP over a link: bulk throughput, instructions per segment, a 64-byte
send + receive, and RAM per connection (ksock_bench_tcp, bench/tcp_bench.cpp).

  - bulk/ksock, bulk/lwip: 16 MiB from one stack to another over the
    in-memory link (test/support/vlink.hpp's wire), MSS 1448; median of
    --repetitions runs of CPU and wall time; callgrind: the instructions of
    the whole transfer, both ends, divided by the data segments sent.
  - bulk/tap: ksock sending to the host kernel over a TAP; bulk/veth: the
    kernel sending to itself over a veth pair; both in a private network
    namespace (skipped, with the reason, where none can be made).
  - send_recv/ksock, send_recv/lwip: 64 bytes sent and received over an
    established connection on the link, the clock 1 ms on per message;
    instructions per message the way callgrind.py counts (k and 2k
    iterations, the difference over k).
  - ram: what one connection holds (see the report's text).

Run by run_all.py (its section 5, from the JSON written here) or alone:

  tcp_bench.py --binary build/bench/bench/ksock_bench_tcp --work build/bench/tcp --json build/bench/tcp.json

Standard library only.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import callgrind  # noqa: E402  (the benchmarks' own counting)

SKIP = 77
BULK = ("ksock", "lwip", "tap", "veth")
SEND_RECV_ITERATIONS = 100000


def run(binary, *args, valgrind=None):
    """The "key value" lines of one run, {"skip": why} or {"error": ...}."""
    cmd = (valgrind or []) + [binary, *map(str, args)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = {}
    for line in p.stdout.splitlines():
        k, _, v = line.partition(" ")
        try:
            out[k] = float(v) if "." in v else int(v)
        except ValueError:
            out[k] = v
    if p.returncode == SKIP:
        return {"skip": out.get("skip", "skipped")}
    if p.returncode != 0:
        return {"error": f"{' '.join(args)}: exit {p.returncode}: {p.stderr[-800:]}"}
    return out


def categories(outfile, n):
    """Exclusive instructions per unit (n units) in the Internet checksum
    (any function whose full name, template arguments included, names it:
    ksock's skb_walk over skb_checksum's lambda, lwIP's
    lwip_standard_chksum) and in glibc's memcpy."""
    out = {"checksum": 0.0, "copy": 0.0}
    for count, where in callgrind.exclusive_rows(outfile):
        fn = where.split(":", 1)[1] if ":" in where else where
        if "checksum" in fn or "chksum" in fn:
            out["checksum"] += count / n
        elif "memcpy" in fn or "memmove" in fn:
            out["copy"] += count / n
    return out


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def measure(args):
    res = {"mib": args.mib, "bulk": {}, "send_recv": {}, "ram": {}}
    for stack in BULK:
        runs = [run(args.binary, f"bulk/{stack}", args.mib) for _ in range(args.repetitions)]
        bad = [r for r in runs if "error" in r or "skip" in r]
        if bad:
            res["bulk"][stack] = bad[0]
            print(f"bulk/{stack}: {bad[0]}", flush=True)
            continue
        b = {"bytes": runs[0]["bytes"], "cpu_s": median_of(runs, "cpu_s"),
             "wall_s": median_of(runs, "wall_s"), "runs": runs}
        for k in ("data_frames", "ack_frames", "kernel_rcv_mss"):
            if k in runs[0]:
                b[k] = runs[0][k]
        res["bulk"][stack] = b
        print(f"bulk/{stack}: {b['bytes'] / b['wall_s'] / 1e6:.0f} MB/s wall, "
              f"{b['bytes'] / b['cpu_s'] / 1e6:.0f} MB/s CPU", flush=True)

    work = os.path.join(args.work, "tcp")
    os.makedirs(work, exist_ok=True)
    for stack in ("ksock", "lwip"):
        b = res["bulk"].get(stack, {})
        if "bytes" not in b:
            continue
        out = os.path.join(work, f"bulk_{stack}.out")
        r = run(args.binary, f"bulk/{stack}", args.mib,
                valgrind=["valgrind", "--tool=callgrind", "--instr-atstart=no",
                          f"--callgrind-out-file={out}"])
        if "error" in r:
            b["callgrind_error"] = r["error"]
            continue
        with open(out) as f:
            total = next(int(line.split()[1]) for line in f if line.startswith("totals:"))
        segs = r["data_frames"]
        b["instructions"] = total
        b["cg_data_frames"], b["cg_ack_frames"] = segs, r["ack_frames"]
        b["per_segment"] = total / segs
        b["functions"] = callgrind.hot_functions(out, segs, args.top)
        cat = categories(out, segs)
        b["checksum_per_segment"], b["copy_per_segment"] = cat["checksum"], cat["copy"]
        print(f"bulk/{stack}: {b['per_segment']:.0f} instructions per data segment "
              f"(checksum {b['checksum_per_segment']:.0f})", flush=True)

    for stack in ("ksock", "lwip"):
        runs = [run(args.binary, f"send_recv/{stack}", SEND_RECV_ITERATIONS)
                for _ in range(args.repetitions)]
        bad = [r for r in runs if "error" in r]
        if bad:
            res["send_recv"][stack] = bad[0]
            continue
        s = {"iterations": SEND_RECV_ITERATIONS, "cpu_s": median_of(runs, "cpu_s"),
             "wall_s": median_of(runs, "wall_s"),
             "frames_a": runs[0]["data_frames"] / SEND_RECV_ITERATIONS,
             "frames_b": runs[0]["ack_frames"] / SEND_RECV_ITERATIONS}
        case, per_op, out = callgrind.measure(args.binary, f"send_recv/{stack}", work)
        k = 2 * callgrind.iterations_for(case)
        s["per_op"] = per_op
        s["functions"] = callgrind.hot_functions(out, k, args.top)
        s["checksum"] = categories(out, k)["checksum"]
        res["send_recv"][stack] = s
        print(f"send_recv/{stack}: {per_op:.0f} instructions, "
              f"{s['cpu_s'] / SEND_RECV_ITERATIONS * 1e9:.0f} ns CPU", flush=True)

    res["ram"] = run(args.binary, "ram")
    return res


# --- the report -----------------------------------------------------------------------

def group(n):
    """12 345: thousands grouped as the other sections group them."""
    return f"{n:,.0f}".replace(",", " ")


def fmt_mbs(nbytes, s):
    return f"{group(nbytes / s / 1e6)} MB/s" if s else "–"


def fmt_ms(s):
    return f"{s * 1e3:.1f} ms"


def ram_figures(r, wnd_segments):
    """RAM per connection for a window of wnd_segments full segments queued
    each way (sent, unacknowledged; received, unread)."""
    k_fixed = r["ksock_conn"]
    k_seg = r["ksock_skb"]
    l_fixed = r["lwip_tcp_pcb"] + r["lwip_netconn"] + r["lwip_socket"]
    l_tx = r["lwip_tx_seg"] + r["lwip_tx_pbuf"]
    l_rx = r["lwip_rx_pbuf"]
    return {
        "ksock": {"fixed": k_fixed, "tx": k_seg, "rx": k_seg,
                  "total": k_fixed + wnd_segments * 2 * k_seg},
        "lwip": {"fixed": l_fixed, "tx": l_tx, "rx": l_rx,
                 "total": l_fixed + wnd_segments * (l_tx + l_rx)},
    }


def function_table(w, fns, title, unit):
    """The ten functions with the most instructions, as a table."""
    if not fns:
        return
    w(f"**{title} by function")
    w("")
    w(f"| {unit} | function |")
    w("| ---: | --- |")
    for r in fns[:10]:
        w(f"| {r['per_op']:.0f} | `{r['function']}` |")
    w("")


def section(w, d, dp_loopback=None):
    """Section 5 of RESULTS.md from measure()'s result (w: a line writer).
    dp_loopback: section 4's instructions for the 64-byte send + recv on
    the loopback, for comparison."""
    mib = d["mib"]
    bulk, sr, ram = d["bulk"], d["send_recv"], d["ram"]
    w("## 5. TCP over a link: ksock, lwIP and the Linux kernel")
    w("")
    w("Real segments over a device. **In memory**: two stacks in one process joined by "
      "`test/support/vlink.hpp`'s wire (every frame copied into the wire at transmit and "
      "into the receiver's buffer at its poll, as a NIC's DMA would; a transmit ring of 12 "
      "frames each way, no delay, no loss); **ksock**: two stacks, each a `default_config` "
      "(64 skbs of 2 KiB) with the wire's device; **lean lwIP**: two lwIP 2.1.3 hosts built "
      "from Debian's source as in section 1, with Ethernet, ARP, an MSS of 1448 bytes and a "
      "window and send buffer of 44 segments (`bench/lwip_lean/tcp/lwipopts.h`), driven "
      "through the raw API (`tcp_write` + `tcp_output`, the recv callback, `tcp_recved`; "
      "`bench/lwip_lean/lean_tcp.c`), with a 16-frame transmit queue in front of the ring "
      "as ksock's device has. Each round the sender sends what its buffer takes, the clock "
      "moves on 1 ms, the receiver polls its device and reads everything, the sender polls "
      "the ACKs. **TAP**: ksock sending to the host kernel's socket over a TAP interface; "
      "**veth**: the kernel sending to itself over a veth pair (the receiver in a second "
      "network namespace, the pair made by iproute2's `ip`); both in a private network "
      "namespace on 192.0.2.0/24, skipped with the reason where none can be made. See "
      "`bench/tcp_bench.cpp`; `bench/tcp_bench.py` runs it (about 20 s).")
    w("")
    w(f"**Bulk transfer: {mib} MiB, one direction, MSS 1448 (MTU 1500)**")
    w("")
    w("| link | sender → receiver | wall time | throughput (wall) | CPU time | throughput "
      "(CPU) | data segments | ACKs | instructions per data segment |")
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    rows = (("in memory", "ksock → ksock", "ksock"), ("in memory", "lean lwIP → lean lwIP", "lwip"),
            ("TAP", "ksock → Linux", "tap"), ("veth", "Linux → Linux", "veth"))
    for link, who, key in rows:
        b = bulk.get(key, {})
        if "bytes" not in b:
            why = b.get("skip") or b.get("error", "not run")
            w(f"| {link} | {who} | – | – | – | – | – | – | – ({why}) |")
            continue
        seg = group(b["per_segment"]) if "per_segment" in b else "–"
        w(f"| {link} | {who} | {fmt_ms(b['wall_s'])} | {fmt_mbs(b['bytes'], b['wall_s'])} | "
          f"{fmt_ms(b['cpu_s'])} | {fmt_mbs(b['bytes'], b['cpu_s'])} | "
          f"{b.get('data_frames', '–')} | {b.get('ack_frames', '–')} | {seg} |")
    w("")
    w("Times are the median of the runs (CPU: user + system of the process and, for veth, "
      "of its receiving child). Instructions: callgrind, the whole transfer (both stacks "
      "and the wire; the check of the received bytes left out) divided by the data "
      "segments. The kernel's work is in kernel mode, so its rows have no count; veth "
      "passes the kernel's GSO packets whole, so its rows count no segments either, and "
      "the TAP carries ksock's 1448-byte segments.")
    w("")
    k, l_ = bulk.get("ksock", {}), bulk.get("lwip", {})
    if "per_segment" in k and "per_segment" in l_:
        w("Where the instructions of a segment go (both ends):")
        w("")
        w("| | ksock | lean lwIP |")
        w("| --- | ---: | ---: |")
        for label, key in (("Internet checksum (computed on send, verified on receipt)",
                            "checksum_per_segment"),
                           ("`memcpy` (user → buffer, buffer → wire → buffer, buffer → user)",
                            "copy_per_segment")):
            w(f"| {label} | {group(k[key])} | {group(l_[key])} |")
        ko = k["per_segment"] - k["checksum_per_segment"] - k["copy_per_segment"]
        lo = l_["per_segment"] - l_["checksum_per_segment"] - l_["copy_per_segment"]
        w(f"| everything else | {group(ko)} | {group(lo)} |")
        w(f"| total | {group(k['per_segment'])} | {group(l_['per_segment'])} |")
        w("")
        for key, label in (("ksock", "ksock"), ("lwip", "lean lwIP")):
            function_table(w, bulk[key].get("functions", []),
                           f"{label}, bulk**: exclusive instructions per data segment",
                           "instr/segment")

    w("**64 bytes sent and received over an established connection**")
    w("")
    w("`send()` of 64 bytes on one end (`TCP_NODELAY`; lwIP: `tcp_write` + `tcp_output`), "
      "the clock 1 ms on, the other end polls its device and reads the 64 bytes, the sender "
      "polls its device: a message one way with the ACKs each stack sends for it (ksock: "
      "the read that empties the buffer of a small pushed segment on a one-way connection "
      "sends an ACK, Linux's `tcp_cleanup_rbuf` rule; lwIP: an ACK for every second "
      "segment), both ends counted. Section 4's row is the same "
      "operation on one stack's loopback.")
    w("")
    w("| | instructions | of which checksum | CPU time | frames sent per message "
      "(sender, receiver) |")
    w("| --- | ---: | ---: | ---: | ---: |")
    if dp_loopback is not None:
        w(f"| ksock, loopback (section 4, `dp/tcp_send_recv/64/ksock`) | {dp_loopback:.0f} "
          "| – | – | – |")
    for key, label in (("ksock", "ksock ↔ ksock, in-memory link"),
                       ("lwip", "lean lwIP ↔ lean lwIP, in-memory link")):
        s = sr.get(key, {})
        if "per_op" not in s:
            w(f"| {label} | – | – | – | – |")
            continue
        ns = s["cpu_s"] / s["iterations"] * 1e9
        w(f"| {label} | {group(s['per_op'])} | {group(s['checksum'])} | {ns:.0f} ns | "
          f"{s['frames_a']:.2f}, "
          f"{s['frames_b']:.2f} |")
    w("")
    for key, label in (("ksock", "ksock"), ("lwip", "lean lwIP")):
        function_table(w, sr.get(key, {}).get("functions", []),
                       f"{label}, 64-byte message**: exclusive instructions per message",
                       "instr/message")

    if "ksock_conn" in ram:
        wnd = ram["lwip_wnd"] // ram["lwip_mss"]
        f = ram_figures(ram, wnd)
        w(f"**RAM per TCP connection**, with a window of {wnd} full segments "
          f"({ram['lwip_wnd']} bytes, lwIP's `TCP_WND` here) queued each way: sent and "
          "unacknowledged, received and unread")
        w("")
        w("| | ksock | lean lwIP |")
        w("| --- | ---: | ---: |")
        w(f"| the connection itself | {f['ksock']['fixed']} | {f['lwip']['fixed']} |")
        w(f"| one sent segment | {f['ksock']['tx']} | {f['lwip']['tx']} |")
        w(f"| one received segment | {f['ksock']['rx']} | {f['lwip']['rx']} |")
        w(f"| total | {group(f['ksock']['total'])} | {group(f['lwip']['total'])} |")
        w("")
        w(f"ksock: the difference in `sizeof` between stacks with room for 64 and 32 TCP "
          f"sockets (each with its fd, `socket_alloc` + `file` slot and `tcp_sock` slot: "
          f"`sizeof(tcp_sock)` is {ram['ksock_tcp_sock']}), divided by 32, and between "
          f"stacks of 128 and 64 skbs, divided by 64 (an `sk_buff` and its "
          f"{ram['ksock_skb_data']}-byte data area: a segment takes one skb whether sent or "
          "received). ksock's memory is static: every connection's share is reserved when "
          "the stack is built. lwIP: its memp elements as its pools lay them out, "
          "`tcp_pcb` + `netconn` + the socket entry (the sockets API on top of the raw "
          "API), a received segment in a `PBUF_POOL` pbuf, a sent one in a `tcp_seg` and a "
          "`PBUF_RAM` from lwIP's heap (`tcp_write` with copy), computed by "
          "`lean_tcp_get_sizes` with this build's `lwipopts.h`.")
        w("")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True, help="the ksock_bench_tcp binary")
    ap.add_argument("--work", required=True, help="scratch directory")
    ap.add_argument("--json", required=True, help="where the results go")
    ap.add_argument("--mib", type=int, default=16)
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--markdown", action="store_true", help="also print section 5")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    res = measure(args)
    with open(args.json, "w") as f:
        json.dump(res, f, indent=1)
    if args.markdown:
        section(print, res)
    errors = [v["error"] for part in ("bulk", "send_recv") for v in res[part].values()
              if "error" in v]
    if "error" in res["ram"]:
        errors.append(res["ram"]["error"])
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
