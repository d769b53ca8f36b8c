#!/usr/bin/env python3
"""Turns every ```cpp block of a Markdown file into a program, so that the
README's snippets are compiled and run as tests and cannot rot.

Each block is a program of its own: a reader can copy any one of them
without the blocks before it. The rules, which the README's "Tests" section
states for its readers too:

* `#include <ksock/ksock.hpp>` comes first unless the block includes it;
* a line at column 0 that begins a namespace-scope declaration (#include,
  struct, class, template, namespace, using, constinit, constexpr,
  static_assert, inline) stays at namespace scope with the indented lines
  and the closing brace that follow it; every other line is a statement and
  goes into main(), in the order written;
* `<!-- readme-test: include PATH -->` on the line before a block includes
  PATH (relative to the Markdown file) before the block: the context a
  fragment refers to and the prose describes (a family's types, say).

Usage: extract_snippets.py README.md OUTDIR
Writes OUTDIR/<name>.cpp for each block and OUTDIR/snippets.txt with one
"<name> <line>" per block, in order; files of blocks that went away are
removed, and a file is rewritten only when its text changes (so editing
the README rebuilds only the snippets that changed).
"""
import os
import re
import sys

NAMESPACE_SCOPE = re.compile(
    r"^(#|struct\b|class\b|template\b|namespace\b|using\b|constinit\b|constexpr\b"
    r"|static_assert\b|inline\b|enum\b)")
INCLUDE_MARK = re.compile(r"^<!--\s*readme-test:\s*include\s+(\S+)\s*-->\s*$")


def slug(heading):
    s = re.sub(r"[^a-z0-9]+", "_", heading.lower()).strip("_")
    return s or "top"


def blocks(lines):
    """(heading, first line number, extra includes, code lines) per cpp block."""
    heading, i = "top", 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#") and not line.startswith("#!"):
            heading = line.lstrip("#").strip()
        if line.strip() == "```cpp":
            includes = []
            m = INCLUDE_MARK.match(lines[i - 1]) if i > 0 else None
            if m:
                includes.append(m.group(1))
            start, i = i + 2, i + 1
            code = []
            while i < len(lines) and lines[i].strip() != "```":
                code.append(lines[i])
                i += 1
            yield heading, start, includes, code
        i += 1


def split(code, first):
    """Namespace-scope lines and main()'s lines as (line number, text), each
    keeping its order."""
    top, body, at_top = [], [], False
    for n, line in enumerate(code, first):
        if line.strip() and line[0] not in " \t}":
            at_top = bool(NAMESPACE_SCOPE.match(line))
        (top if at_top else body).append((n, line))
    return top, body


def numbered(part, name, indent=""):
    """The lines, with a #line wherever the numbering jumps, so that a
    diagnostic points into the Markdown file."""
    out, expect = [], None
    for n, line in part:
        if n != expect and line.strip():
            out.append(f'#line {n} "{name}"')
            expect = n
        if expect is not None and n == expect:
            expect = n + 1
        out.append(indent + line if line.strip() else line)
    return out


def program(markdown, line, includes, code):
    name = os.path.basename(markdown)
    top, body = split(code, line)
    out = [f"// Generated from {name}, the block at line {line}."]
    if not any(l.startswith("#include <ksock/ksock.hpp>") for _, l in top):
        out.append("#include <ksock/ksock.hpp>")
    mddir = os.path.dirname(os.path.abspath(markdown))
    for inc in includes:
        out.append(f'#include "{os.path.join(mddir, inc)}"')
    out += numbered(top, name)
    out.append("int main() {")
    out += numbered(body, name, "    ")
    out.append("    return 0;")
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    markdown, outdir = sys.argv[1], sys.argv[2]
    with open(markdown, encoding="utf-8") as f:
        lines = f.read().split("\n")
    os.makedirs(outdir, exist_ok=True)
    names, seen = [], {}
    for heading, line, includes, code in blocks(lines):
        base = slug(heading)
        seen[base] = seen.get(base, 0) + 1
        name = f"{base}_{seen[base]}"
        text = program(markdown, line, includes, code)
        path = os.path.join(outdir, name + ".cpp")
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        names.append(f"{name} {line}")
    for stale in os.listdir(outdir):
        if stale.endswith(".cpp") and stale[:-4] not in {n.split()[0] for n in names}:
            os.remove(os.path.join(outdir, stale))
    with open(os.path.join(outdir, "snippets.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main()
