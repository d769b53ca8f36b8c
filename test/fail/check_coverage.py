#!/usr/bin/env python3
"""Every static_assert message of include/ksock has a compile-fail test.

Run as the ctest fail.coverage (test/CMakeLists.txt), or by hand:

    python3 test/fail/check_coverage.py [--root <source dir>] [--table]

It reads every static_assert of include/ksock/**/*.hpp, including the ones a
macro generates (the message is expanded for each invocation of the macro:
KSOCK_PROTO_OPS_MEMBER gives one message per ops member), and every
compile-fail test of test/fail/**/*.cpp with its "// EXPECT: <regex>" line.
It fails when

  * a message matches no test's EXPECT regex (the static_assert is untested);
  * an EXPECT regex matches several different messages (too loose to prove
    which one the test triggers);
  * a static_assert has no message (other than the TRIGGERS below, which
    only run a check function with messages of its own), or is a pin (an
    assertion on ksock's own layout that no user code can make fail: sizes,
    offsets, the archetype) not listed in PINS below with the unit test that
    checks the same property with a real value;
  * a PINS or TRIGGERS entry is stale (no such assert any more), or a pin's
    unit test file does not contain the check it names.

--table prints the inventory (message -> tests, pin -> unit test) as
Markdown.
"""

import argparse
import glob
import os
import re
import sys

# Static assertions that no translation unit can trigger without editing
# ksock's own types: each is a pin of a layout or of a model ksock defines.
# (header under include/ksock, message or -- for an assert without one --
# its condition, unit test file under test/, text that file must contain).
PINS = [
    # inet/ip/: the archetype of net_protocol handlers, and ksock's own
    # inet_protos list (fixed: a user cannot add a duplicate to it; the unit
    # test checks inet_protos_valid refuses one).
    ("inet/ip/net_protocol.hpp",
     "ksock::inet::net_protocol_archetype must model ksock::inet::net_protocol_handler",
     "inet/ip/inet_protos.cpp", "net_protocol_handler<in::net_protocol_archetype>"),
    ("inet/ip/inet_protos.hpp", "ksock::inet::inet_protos: each IP protocol may have one net_protocol (inet_add_protocol refuses a taken slot)",
     "inet/ip/inet_protos.cpp", "!in::detail::inet_protos_valid("),
    # drivers/: the library's own drivers model the concept (tap: Linux
    # hosts only, so its check is in the host-only interop suite).
    ("drivers/tap.hpp", "ksock::drivers::tap must be a ksock::net_device",
     "interop/tap/lossy_tap.hpp", "ksock::net_device<ksock::drivers::tap>"),
    ("drivers/lan9118.hpp", "ksock::drivers::lan9118 must be a ksock::net_device",
     "drivers/lan9118.cpp", "ksock::net_device<ksock::drivers::lan9118<>>"),
    # stack.hpp: kernel::context<Config> is ksock's own type; every Config
    # that passes the config checks above it gives a context modelling the
    # concept, so no config can make this one fire on its own.
    ("stack.hpp", "ksock::stack<Config>: the kernel context must model ksock::stack_context",
     "registry/context.cpp", "stack_context<kernel::context<default_config>>"),
    # policy/: the library's own policies.
    ("policy/trace.hpp", "trace_policy<null_trace> && trace_policy<print_trace>",
     "policy/trace.cpp", "trace_policy<print_trace>"),
    # objects/: the core's object layouts.
    ("objects/socket.hpp", "ksock::socket_alloc: must be standard-layout",
     "objects/socket.cpp", "std::is_standard_layout_v<socket_alloc>"),
    ("objects/socket.hpp", "ksock::socket_alloc: socket must be at offset 0",
     "objects/socket.cpp", "offsetof(socket_alloc, socket) == 0"),
    ("objects/sock.hpp", "ksock::sock_common: must be standard-layout and trivially copyable",
     "objects/sock.cpp", "std::is_trivially_copyable_v<sock_common>"),
    ("objects/sock.hpp", "ksock::sock: must be standard-layout and trivially copyable",
     "objects/sock.cpp", "std::is_trivially_copyable_v<sock>"),
    ("objects/sock.hpp", "ksock::sock: sk_common must be the first member (offset 0)",
     "objects/sock.cpp", "offsetof(sock, sk_common) == 0"),
    ("objects/layout.hpp", "std::is_standard_layout_v<socket_alloc>",
     "objects/layout.cpp", "SOCKET_I(SOCK_INODE(&sa.socket)) == &sa.socket"),
    ("objects/layout.hpp", "ksock::sock must begin with sock_common",
     "objects/layout.cpp", "begins_with<sock, sock_common>"),
    ("objects/layout.hpp", "ksock::socket_alloc must begin with socket",
     "objects/layout.cpp", "begins_with<socket_alloc, ksock::socket>"),
    # kernel/: the stack's own storage.
    ("kernel/storage.hpp", "ksock::kernel::sockfs_slot: socket_alloc must be at offset 0",
     "kernel/storage.cpp", "offsetof(kernel::sockfs_slot, alloc) == 0"),
    # uapi/: Linux's user-visible layouts.
    ("uapi/tcp.hpp", "ksock::tcp_info_t: must be standard-layout and trivially copyable",
     "uapi/tcp.cpp", "std::is_trivially_copyable_v<tcp_info_t>"),
    ("uapi/tcp.hpp", "ksock::tcp_info_t: Linux 6.18's struct tcp_info is 280 bytes",
     "uapi/tcp.cpp", "sizeof(tcp_info_t) == 280"),
    ("uapi/tcp.hpp", "ksock::tcp_info_t: field offsets must match Linux 6.18's struct tcp_info",
     "uapi/tcp.cpp", "offsetof(tcp_info_t, tcpi_accecn_opt_seen) == 278"),
    ("uapi/msghdr.hpp", "ksock: iovec and msghdr must have Linux's layout",
     "uapi/msghdr.cpp", "sizeof(msghdr) == 7 * sizeof(void*)"),
    ("uapi/byteorder.hpp",
     "be16_to_cpu(cpu_to_be16(0x1234)) == 0x1234 && "
     "be32_to_cpu(cpu_to_be32(0x12345678u)) == 0x12345678u",
     "uapi/byteorder.cpp", "be32_to_cpu(cpu_to_be32(0x12345678u)) == 0x12345678u"),
    ("uapi/cmsg.hpp", "ksock: cmsghdr and ucred must have Linux's layout",
     "uapi/cmsg.cpp", "sizeof(ucred) == 12"),
    ("uapi/sockaddr.hpp", "ksock: socket addresses must have Linux's sizes",
     "uapi/sockaddr.cpp", "sizeof(sockaddr_un) == 110"),
    ("uapi/sockaddr.hpp", "ksock::sockaddr_in: must have Linux's layout",
     "uapi/sockaddr.cpp", "offsetof(sockaddr_in, sin_addr) == 4"),
    ("uapi/poll.hpp", "ksock::pollfd: must have Linux's layout",
     "uapi/poll.cpp", "sizeof(pollfd) == 8"),
    ("uapi/if.hpp", "ksock::ifreq: must have Linux's size (40 bytes on LP64, 32 on ILP32)",
     "uapi/if.cpp", "sizeof(ifreq) == (sizeof(long) == 8 ? 40 : 32)"),
    ("uapi/if_arp.hpp", "ksock::arphdr: must be the 8 bytes of the wire header",
     "uapi/if_ether.cpp", "sizeof(arphdr) == 8"),
    ("uapi/if_ether.hpp", "ksock::ethhdr: must be the 14 bytes of the wire header",
     "uapi/if_ether.cpp", "sizeof(ethhdr) == 14"),
    # registry/: the archetype net_device drivers are checked against.
    ("registry/net_device.hpp", "ksock::archetypes::net_device must model ksock::net_device",
     "registry/net_device.cpp", "net_device<archetypes::net_device>"),
    ("registry/packet_type.hpp", "ksock::archetypes::packet_type must model ksock::packet_type",
     "registry/packet_type.cpp", "packet_type<archetypes::packet_type>"),
    # inet/: PF_INET's object layouts and wire headers.
    ("inet/inet_sock.hpp", "ksock::inet::inet_sock: must be standard-layout",
     "inet/inet_sock.cpp", "std::is_standard_layout_v<inet_sock>"),
    ("inet/inet_sock.hpp", "ksock::inet::inet_sock: sk must be at offset 0",
     "inet/inet_sock.cpp", "offsetof(inet_sock, sk) == 0"),
    ("inet/inet_sock.hpp", "ksock::inet::inet_sock must begin with sock",
     "inet/inet_sock.cpp", "begins_with<inet_sock, sock>"),
    ("inet/inet_connection_sock.hpp",
     "ksock::inet::inet_connection_sock: must be standard-layout",
     "inet/inet_connection_sock.cpp", "std::is_standard_layout_v<inet_connection_sock>"),
    ("inet/inet_connection_sock.hpp",
     "ksock::inet::inet_connection_sock: icsk_inet must be at offset 0",
     "inet/inet_connection_sock.cpp", "offsetof(inet_connection_sock, icsk_inet) == 0"),
    ("inet/inet_connection_sock.hpp",
     "ksock::inet::inet_connection_sock must begin with inet_sock",
     "inet/inet_connection_sock.cpp", "begins_with<inet_connection_sock, inet_sock>"),
    ("inet/tcp/tcp_sock.hpp", "ksock::inet::tcp_sock: must be standard-layout",
     "inet/tcp/tcp_sock.cpp", "std::is_standard_layout_v<tcp_sock>"),
    ("inet/tcp/tcp_sock.hpp", "ksock::inet::tcp_sock: inet_conn must be at offset 0",
     "inet/tcp/tcp_sock.cpp", "offsetof(tcp_sock, inet_conn) == 0"),
    ("inet/tcp/tcp_sock.hpp", "ksock::inet::tcp_sock must begin with inet_connection_sock",
     "inet/tcp/tcp_sock.cpp", "begins_with<tcp_sock, inet_connection_sock>"),
    ("inet/tcp/tcp_sock.hpp", "ksock::inet::tcp_sock must begin with sock",
     "inet/tcp/tcp_sock.cpp", "begins_with<tcp_sock, sock>"),
    ("inet/udp/udp_sock.hpp", "ksock::inet::udp_sock: must be standard-layout",
     "inet/udp/udp_sock.cpp", "std::is_standard_layout_v<udp_sock>"),
    ("inet/udp/udp_sock.hpp", "ksock::inet::udp_sock: inet must be at offset 0",
     "inet/udp/udp_sock.cpp", "offsetof(udp_sock, inet) == 0"),
    ("inet/udp/udp_sock.hpp", "ksock::inet::udp_sock must begin with inet_sock",
     "inet/udp/udp_sock.cpp", "begins_with<udp_sock, inet_sock>"),
    ("inet/raw_sock.hpp", "ksock::inet::raw_sock: must be standard-layout",
     "inet/raw_sock.cpp", "std::is_standard_layout_v<raw_sock>"),
    ("inet/raw_sock.hpp", "ksock::inet::raw_sock: inet must be at offset 0",
     "inet/raw_sock.cpp", "offsetof(raw_sock, inet) == 0"),
    ("inet/raw_sock.hpp", "ksock::inet::raw_sock must begin with inet_sock",
     "inet/raw_sock.cpp", "begins_with<raw_sock, inet_sock>"),
    ("inet/ip/ip_hdr.hpp", "ksock::inet::iphdr: must be the 20 bytes of the wire header",
     "inet/ip/ip_hdr.cpp", "sizeof(iphdr) == 20"),
    ("inet/ip/ip_hdr.hpp", "ksock::inet::udphdr: must be 8 bytes",
     "inet/ip/ip_hdr.cpp", "sizeof(udphdr) == 8"),
    ("inet/ip/ip_hdr.hpp", "ksock::inet::icmphdr: must be 8 bytes",
     "inet/ip/ip_hdr.cpp", "sizeof(icmphdr) == 8"),
    ("inet/ip/ip_loopback.hpp",
     "ksock::inet::inet_skb_cb: must fit skb->cb (48 bytes, 8-aligned)",
     "inet/ip/ip_loopback.cpp", "sizeof(inet_skb_cb) <= sizeof(sk_buff::cb)"),
    ("posix/file_flags.hpp",
     "ksock::posix: O_NONBLOCK must survive the round trip through Linux's value",
     "posix/posix.cpp", "flags_to_host(flags_to_linux(host_o_nonblock | 2)) == (host_o_nonblock | 2)"),
    ("inet/udp/udp_input.hpp",
     "ksock::inet::udp_skb_cb: must fit skb->cb (48 bytes, 8-aligned)",
     "inet/udp/udplite.cpp", "sizeof(udp_skb_cb) <= sizeof(sk_buff::cb)"),
    ("inet/tcp/tcp_hdr.hpp", "ksock::inet::tcphdr: must be 20 bytes, as on the wire",
     "inet/tcp/tcp_hdr.cpp", "sizeof(tcphdr) == 20"),
    ("inet/tcp/tcp_skb_cb.hpp",
     "ksock::inet::tcp_skb_cb: must fit skb->cb (48 bytes, 8-aligned)",
     "inet/tcp/tcp_hdr.cpp", "sizeof(tcp_skb_cb) <= sizeof(sk_buff::cb)"),
    ("inet/tcp/tcp_cong.hpp", "ksock::inet::bictcp: must fit icsk_ca_priv",
     "inet/tcp/tcp_hdr.cpp", "sizeof(bictcp) <= icsk_ca_priv_size"),
    # unix/: PF_UNIX's object layout.
    ("unix/unix_sock.hpp",
     "ksock::unix_domain::unix_sock must begin with sock: its member sk, at offset 0",
     "unix/unix_sock.cpp", "begins_with<unix_sock, sock>"),
    # core/: the library's own defaults model the concepts they stand for.
    ("core/sk_create.hpp", "ksock::sk_create_defaults must model ksock::sk_create_hooks",
     "core/sk_create.cpp", "sk_create_hooks<sk_create_defaults>"),
    ("core/sk_release_ops.hpp", "ksock::sk_release_ops must model ksock::proto_ops",
     "core/sk_release_ops.cpp", "proto_ops<sk_release_ops>"),
]

# Static assertions without a message of their own that only instantiate a
# check function whose static_asserts carry the messages (each tested above):
# (header, condition, header of the function, function).
TRIGGERS = [
    ("registry/protosw.hpp", "check_proto<Prot>()", "registry/proto.hpp", "check_proto"),
    ("registry/protosw.hpp", "check_proto_ops<Ops>()", "registry/proto_ops.hpp",
     "check_proto_ops"),
    ("core/sk_create.hpp", "check_sk_create_hooks<Hooks, Entry>()", "core/sk_create.hpp",
     "check_sk_create_hooks"),
    ("registry/net_devices.hpp", "detail::all_net_devices(Devices{})", "registry/net_device.hpp",
     "check_net_device"),
]


# --- reading C++ ---------------------------------------------------------------

STRING_RE = re.compile(r'(?:u8|u|U|L)?"(?:[^"\\\n]|\\.)*"')
ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "?": "?"}


def opens_literal(text, i):
    """Does a string or character literal start at i? (Not the ' of a digit
    separator such as 1'000.)"""
    return text[i] == '"' or (text[i] == "'" and not (i > 0 and text[i - 1].isalnum()))


def blank_comments(text):
    """text with every comment replaced by spaces (newlines kept), strings intact."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if opens_literal(text, i):
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def balanced(text, open_at):
    """Index just past the ')' that closes the '(' at open_at."""
    depth = 0
    i = open_at
    while i < len(text):
        c = text[i]
        if opens_literal(text, i):
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced parentheses")


def split_top_level(args):
    """The comma-separated arguments of a macro call, split at depth 0."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(args):
        c = args[i]
        if opens_literal(args, i):
            j = i + 1
            while j < len(args) and args[j] != c:
                j += 2 if args[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(args[start:i])
            start = i + 1
        i += 1
    parts.append(args[start:])
    return [p.strip() for p in parts]


def unescape(literal):
    body = literal[literal.index('"') + 1:-1]
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), body)


def squash(s):
    return " ".join(s.split())


# A message: string literals, and inside a macro #PARAM and PARAM too.
MESSAGE_TOKEN = re.compile(r'\s*(?:(?P<str>' + STRING_RE.pattern + r')|#\s*(?P<stringify>\w+)'
                           r'|(?P<param>[A-Za-z_]\w*))')


def message_tokens(text, params):
    """The tokens of text if it is a message (string literals, and macro
    parameters used as strings or stringified), else None."""
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = MESSAGE_TOKEN.match(text, pos)
        if not m:
            return None
        if m.group("param") and m.group("param") not in params:
            return None
        if m.group("stringify") and m.group("stringify") not in params:
            return None
        tokens.append(m)
        pos = m.end()
    return tokens if any(t.group("str") for t in tokens) else None


def expand(tokens, args):
    out = []
    for t in tokens:
        if t.group("str"):
            out.append(unescape(t.group("str")))
        elif t.group("stringify"):
            out.append(squash(args[t.group("stringify")]))
        else:
            value = args[t.group("param")]
            out.append("".join(unescape(s) for s in STRING_RE.findall(value)))
    return "".join(out)


class Assert:
    def __init__(self, header, line, condition, message, macro=None):
        self.header = header  # path under include/ksock
        self.line = line
        self.condition = squash(condition)
        self.message = message  # None: the assert has no message
        self.macro = macro  # "NAME(arg)" for a macro-generated message

    @property
    def key(self):
        return self.message if self.message is not None else self.condition

    def where(self):
        at = f"include/ksock/{self.header}:{self.line}"
        return f"{at} via {self.macro}" if self.macro else at


def macro_spans(text):
    """(start, end, name, params) of every function-like #define."""
    spans = []
    for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)", text, re.M):
        end = m.end()
        while True:
            nl = text.find("\n", end)
            if nl < 0:
                end = len(text)
                break
            if text[nl - 1] == "\\":
                end = nl + 1
                continue
            end = nl
            break
        params = [p.strip() for p in m.group(2).split(",") if p.strip()]
        spans.append((m.start(), end, m.group(1), params))
    return spans


def read_asserts(root):
    asserts, problems = [], []
    base = os.path.join(root, "include", "ksock")
    for path in sorted(glob.glob(os.path.join(base, "**", "*.hpp"), recursive=True)):
        header = os.path.relpath(path, base).replace(os.sep, "/")
        with open(path, encoding="utf-8") as f:
            text = blank_comments(f.read())
        spans = macro_spans(text)
        for m in re.finditer(r"\bstatic_assert\s*\(", text):
            line = text.count("\n", 0, m.start()) + 1
            open_at = m.end() - 1
            inner = text[open_at + 1:balanced(text, open_at) - 1].replace("\\\n", " \n")
            macro = next((s for s in spans if s[0] <= m.start() < s[1]), None)
            params = macro[3] if macro else []
            # The message is what follows the last top-level comma, when that
            # is string literals (and, in a macro, parameters).
            parts = split_top_level(inner)
            tokens = message_tokens(parts[-1], params) if len(parts) > 1 else None
            condition = ",".join(parts[:-1]) if tokens else inner
            if tokens is None:
                asserts.append(Assert(header, line, condition, None))
            elif not macro:
                asserts.append(Assert(header, line, condition, expand(tokens, {})))
            else:
                found = invocations(text, macro)
                if not found:
                    problems.append(f"include/ksock/{header}:{line}: the macro {macro[2]} "
                                    "holding this static_assert is never invoked in its header")
                for args in found:
                    shown = squash(args[macro[3][1]] if len(macro[3]) > 1 else "")
                    asserts.append(Assert(header, line, condition, expand(tokens, args),
                                          f"{macro[2]}(..., {shown}, ...)"))
    return asserts, problems


def invocations(text, macro):
    """The argument maps of every invocation of macro outside its #define."""
    start, end, name, params = macro
    found = []
    for m in re.finditer(r"\b" + re.escape(name) + r"\s*\(", text):
        if start <= m.start() < end or re.search(r"#\s*(define|undef)\s*$",
                                                  text[:m.start()].split("\n")[-1]):
            continue
        open_at = m.end() - 1
        args = split_top_level(text[open_at + 1:balanced(text, open_at) - 1])
        if len(args) != len(params):
            raise ValueError(f"{name}: {len(args)} arguments for {len(params)} parameters")
        found.append(dict(zip(params, args)))
    return found


# --- the compile-fail tests ------------------------------------------------------

def read_tests(root):
    tests = []
    base = os.path.join(root, "test", "fail")
    for path in sorted(glob.glob(os.path.join(base, "**", "*.cpp"), recursive=True)):
        rel = os.path.relpath(path, os.path.join(root, "test")).replace(os.sep, "/")
        with open(path, encoding="utf-8") as f:
            expects = [m.group(1).strip() for m in
                       re.finditer(r"^[ \t]*//[ \t]*EXPECT:(.*)$", f.read(), re.M)]
        if len(expects) != 1:
            tests.append((rel, None))
            continue
        # As test/CMakeLists.txt does: a ';' is written '.'.
        tests.append((rel, re.compile(expects[0].replace(";", "."))))
    return tests


# --- the rule ----------------------------------------------------------------------

def check(root):
    asserts, errors = read_asserts(root)
    tests = read_tests(root)
    for rel, regex in tests:
        if regex is None:
            errors.append(f"test/{rel}: needs exactly one // EXPECT: line")
    tests = [(rel, regex) for rel, regex in tests if regex is not None]

    pins = {}
    for header, key, test_file, needle in PINS:
        pins[(header, squash(key))] = (test_file, needle)
    used_pins = set()

    triggers = {(h, squash(c)): (fh, fn) for h, c, fh, fn in TRIGGERS}
    used_triggers = set()

    messages = {}  # message -> [Assert]
    for a in asserts:
        if a.message is None and (a.header, a.key) in triggers:
            used_triggers.add((a.header, a.key))
            continue
        pin = pins.get((a.header, a.key))
        if pin:
            used_pins.add((a.header, a.key))
            continue
        if a.message is None:
            errors.append(f"{a.where()}: static_assert without a message; give it one "
                          "and a compile-fail test, or list it in PINS with its unit test")
            continue
        messages.setdefault(a.message, []).append(a)

    covered = {}  # message -> [test]
    for rel, regex in tests:
        hits = [msg for msg in messages if regex.search(msg)]
        if len(hits) > 1:
            errors.append(f"test/{rel}: EXPECT {regex.pattern!r} matches {len(hits)} different "
                          "messages; make it match only the one the test triggers:\n    "
                          + "\n    ".join(hits))
        for msg in hits:
            covered.setdefault(msg, []).append(rel)

    for msg, where in messages.items():
        if msg not in covered:
            errors.append(f"{where[0].where()}: no compile-fail test expects the message\n"
                          f"    {msg}\n  (add test/fail/<layer>/<name>.cpp whose "
                          "// EXPECT: regex matches it)")

    def unqualified(text):
        return re.sub(r"\s+", " ", re.sub(r"\b(ksock|inet|unix_domain|kernel)::", "", text))

    for (header, key), (test_file, needle) in pins.items():
        if (header, key) not in used_pins:
            errors.append(f"PINS: include/ksock/{header} has no static_assert {key!r} "
                          "any more; remove or update the entry")
        path = os.path.join(root, "test", test_file)
        if not os.path.isfile(path):
            errors.append(f"PINS: {key!r}: its unit test test/{test_file} does not exist")
        else:
            with open(path, encoding="utf-8") as f:
                # Namespace qualifiers and spacing do not change what is checked.
                if unqualified(needle) not in unqualified(f.read()):
                    errors.append(f"PINS: {key!r}: test/{test_file} does not check {needle!r}")
    for (header, cond), (fheader, func) in triggers.items():
        if (header, cond) not in used_triggers:
            errors.append(f"TRIGGERS: include/ksock/{header} has no static_assert({cond}) "
                          "any more; remove or update the entry")
        body = function_body(root, fheader, func)
        if body is None:
            errors.append(f"TRIGGERS: include/ksock/{fheader} defines no {func}()")
        elif not any(a.header == fheader and a.message for a in asserts
                     if body[0] <= a.line <= body[1]):
            errors.append(f"TRIGGERS: {func}() in include/ksock/{fheader} has no "
                          "static_assert with a message")
    return asserts, messages, covered, errors


def function_body(root, header, func):
    """(first line, last line) of the definition of func in header, or None."""
    with open(os.path.join(root, "include", "ksock", header), encoding="utf-8") as f:
        text = blank_comments(f.read())
    m = re.search(r"\b" + re.escape(func) + r"\s*\([^)]*\)\s*(noexcept\s*)?\{", text)
    if not m:
        return None
    end = balanced(text, m.end() - 1)
    return text.count("\n", 0, m.start()) + 1, text.count("\n", 0, end) + 1


def print_table(asserts, messages, covered):
    print("| static_assert message | where | compile-fail test(s) |")
    print("|---|---|---|")
    for msg, where in messages.items():
        places = "<br>".join(a.where() for a in where)
        print(f"| {msg.replace('|', '&#124;')} | {places} | "
              f"{'<br>'.join(covered.get(msg, ['**none**']))} |")
    print()
    print("| pin (message, or condition) | where | unit test |")
    print("|---|---|---|")
    pins = {(h, squash(k)): (t, n) for h, k, t, n in PINS}
    for a in asserts:
        if (a.header, a.key) in pins:
            test_file, needle = pins[(a.header, a.key)]
            print(f"| {a.key.replace('|', '&#124;')} | {a.where()} | "
                  f"test/{test_file}: `{needle.replace('|', '&#124;')}` |")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.normpath(os.path.join(here, "..", "..")),
                        help="the ksock source directory")
    parser.add_argument("--table", action="store_true", help="print the inventory as Markdown")
    opts = parser.parse_args()

    asserts, messages, covered, errors = check(opts.root)
    if opts.table:
        print_table(asserts, messages, covered)
    tested = sum(len(w) for w in messages.values())
    print(f"{len(asserts)} static_asserts in include/ksock: {tested} with {len(messages)} "
          f"distinct messages for compile-fail tests, {len(PINS)} pins for unit tests, "
          f"{len(TRIGGERS)} triggers of check functions", flush=True)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem(s)", file=sys.stderr)
        return 1
    print("every static_assert message has a compile-fail test, every pin a unit test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
