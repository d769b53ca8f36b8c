#!/usr/bin/env python3
"""The generic layers of ksock name no family: the ctest `layering`.

Every header under include/ksock except the families' and drivers' folders
(inet/, unix/, drivers/), the umbrella ksock.hpp, default_config.hpp and
the POSIX layer (posix/: like the umbrella, a top that binds a program's
default stack, which names the families) must
not include, directly or through other headers, anything from ksock/inet/,
ksock/unix/ or ksock/drivers/. A user's config that lists only its own family
must build a stack without them either.

How: one translation unit per generic header ("#include <ksock/...>") is
preprocessed with the compiler's -H, which lists every header the
preprocessor opens, indented by include depth; a listed header under a
family or driver folder is a violation, reported with the chain of includes
that reached it. test/layering/user_family_stack.cpp (a stack of the tests'
own family, every system call instantiated) is compiled with -fsyntax-only
-H and checked the same way. As a control, default_config.hpp, which must
open inet/ and unix/, is run through the same parser: if the check cannot see
them there, it would not see them anywhere, and the test fails instead of
passing vacuously.

    check_layering.py --cxx <compiler> --source-dir <ksock> [-I <dir>]... [--jobs N]
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys

FORBIDDEN = ("inet", "unix", "drivers")
EXEMPT = ("ksock.hpp", "default_config.hpp")
EXEMPT_DIRS = ("posix/",)


def generic_headers(include):
    base = os.path.join(include, "ksock")
    out = []
    for dirpath, _, files in os.walk(base):
        for f in files:
            if not f.endswith(".hpp"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), base).replace(os.sep, "/")
            if rel.split("/")[0] in FORBIDDEN or rel in EXEMPT or rel.startswith(EXEMPT_DIRS):
                continue
            out.append(rel)
    return sorted(out)


def forbidden_folder(path, include):
    """The family or driver folder path lies in, or None."""
    rel = os.path.relpath(os.path.realpath(path), os.path.join(include, "ksock"))
    first = rel.replace(os.sep, "/").split("/")[0]
    return first if first in FORBIDDEN and not rel.startswith("..") else None


def run(cmd, stdin_text=None):
    p = subprocess.run(cmd, input=stdin_text, capture_output=True, text=True)
    return p.returncode, p.stderr


HEADER_LINE = re.compile(r"^(\.+) (.+)$")


def opened(stderr):
    """(depth, path, chain) of every header -H lists; chain is the include
    path from the translation unit down to it."""
    stack = []
    for line in stderr.splitlines():
        m = HEADER_LINE.match(line)
        if not m:
            continue
        depth = len(m.group(1))
        path = m.group(2).strip()
        del stack[depth - 1:]
        stack.append(path)
        yield depth, path, list(stack)


def short(path, include):
    real = os.path.realpath(path)
    root = os.path.realpath(include)
    return os.path.relpath(real, root) if real.startswith(root + os.sep) else path


def check_tu(name, cmd, stdin_text, include, must_open):
    """Problems of one translation unit: compiler errors, forbidden headers,
    or missing the headers it must open (proof the -H output was read)."""
    rc, err = run(cmd, stdin_text)
    if rc != 0:
        return [f"{name}: the compiler failed ({rc}):\n{err}"], set()
    problems, seen, folders = [], set(), set()
    for _, path, chain in opened(err):
        rel = short(path, include)
        seen.add(rel.replace(os.sep, "/"))
        folder = forbidden_folder(path, include)
        if folder:
            folders.add(folder)
            # Report where the chain enters a forbidden folder, not every
            # header that one includes in turn.
            parent = chain[-2] if len(chain) > 1 else None
            if parent is None or not forbidden_folder(parent, include):
                via = " -> ".join(short(p, include) for p in chain)
                problems.append(f"{name} opens {rel}\n    via {via}")
    missing = [h for h in must_open if h not in seen]
    if missing:
        return [f"{name}: -H did not list {', '.join(missing)}; the compiler's header "
                "list was not understood"], folders
    return problems, folders


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("-I", dest="includes", action="append", default=[],
                    help="another include directory (Boost)")
    ap.add_argument("--std", default="c++20")
    ap.add_argument("--jobs", type=int, default=2)
    opts = ap.parse_args()

    src = os.path.realpath(opts.source_dir)
    include = os.path.join(src, "include")
    test = os.path.join(src, "test")
    flags = [f"-std={opts.std}", "-I", include, "-I", test]
    for d in opts.includes:
        flags += ["-isystem", d]

    headers = generic_headers(include)
    if "stack.hpp" not in headers or "config.hpp" not in headers or len(headers) < 20:
        print(f"layering: found only {len(headers)} generic headers under {include}",
              file=sys.stderr)
        return 1

    jobs = []
    for h in headers:
        jobs.append((f"ksock/{h}",
                     [opts.cxx, *flags, "-x", "c++", "-E", "-H", "-o", os.devnull, "-"],
                     f"#include <ksock/{h}>\n", [f"ksock/{h}"], False))
    tu = os.path.join(test, "layering", "user_family_stack.cpp")
    jobs.append(("test/layering/user_family_stack.cpp",
                 [opts.cxx, *flags, "-fsyntax-only", "-H", tu], None,
                 ["ksock/stack.hpp", "ksock/config.hpp"], False))
    # The control: a header that must open both families.
    jobs.append(("control ksock/default_config.hpp",
                 [opts.cxx, *flags, "-x", "c++", "-E", "-H", "-o", os.devnull, "-"],
                 "#include <ksock/default_config.hpp>\n", ["ksock/default_config.hpp"], True))

    problems = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        futures = [(name, control,
                    pool.submit(check_tu, name, cmd, stdin_text, include, must_open))
                   for name, cmd, stdin_text, must_open, control in jobs]
        for name, control, fut in futures:
            found, folders = fut.result()
            if control:
                if not {"inet", "unix"} <= folders:
                    problems.append(f"{name}: expected to open ksock/inet/ and ksock/unix/, "
                                    f"saw {sorted(folders) or 'neither'}; the check is blind")
                continue
            problems += found

    print(f"layering: {len(headers)} generic headers and the user-family stack checked "
          f"with {opts.cxx}", flush=True)
    if problems:
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"{len(problems)} layering violation(s): a generic header includes a family or "
              "driver header", file=sys.stderr)
        return 1
    print("no generic header opens ksock/inet/, ksock/unix/ or ksock/drivers/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
