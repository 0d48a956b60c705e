#!/usr/bin/env python3
"""The README and docs/ as a newcomer meets them: the README stays short, and
every relative link in it and in docs/ leads somewhere.

    check_docs.py SOURCE_DIR

A link `[text](path)` or `[text](path#anchor)` must name a file or directory
that exists (relative to the page); an anchor into a Markdown page must be one
of that page's headings, slugged as the usual renderers do (lower case, spaces
to hyphens, punctuation dropped). External links (a scheme) are not followed:
the tests send nothing off this machine. Exit 1 with one line per problem.
"""
import os
import re
import sys

README_MAX_LINES = 150
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def prose_lines(text):
    """The page's lines outside fenced code blocks (links there are examples)."""
    inside = False
    for number, line in enumerate(text.split("\n"), 1):
        if FENCE.match(line):
            inside = not inside
            continue
        if not inside:
            yield number, line


def slug(heading):
    text = re.sub(r"`([^`]*)`", r"\1", heading.strip().lower())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    found, counts = set(), {}
    with open(path, encoding="utf-8") as page:
        for _, line in prose_lines(page.read()):
            match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if match:
                base = slug(match.group(1))
                n = counts.get(base, 0)
                counts[base] = n + 1
                found.add(base if n == 0 else f"{base}-{n}")
    return found


def check_page(path, problems):
    with open(path, encoding="utf-8") as page:
        text = page.read()
    for number, line in prose_lines(text):
        line = re.sub(r"`[^`]*`", "", line)  # code spans are not links
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue
            file_part, _, anchor = target.partition("#")
            resolved = path if not file_part else os.path.normpath(
                os.path.join(os.path.dirname(path), file_part))
            where = f"{path}:{number}: {target}"
            if not os.path.exists(resolved):
                problems.append(f"{where}: no such file")
            elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
                problems.append(f"{where}: no heading '{anchor}' in {os.path.basename(resolved)}")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    problems = []
    readme = os.path.join(root, "README.md")
    with open(readme, encoding="utf-8") as page:
        lines = page.read().rstrip("\n").count("\n") + 1
    if lines > README_MAX_LINES:
        problems.append(f"{readme}: {lines} lines, more than {README_MAX_LINES}: move the detail to docs/")
    pages = [readme]
    for folder, _, files in os.walk(os.path.join(root, "docs")):
        pages += [os.path.join(folder, f) for f in sorted(files) if f.endswith(".md")]
    for page in pages:
        check_page(page, problems)
    for problem in problems:
        print(problem)
    print(f"{len(pages)} pages, README {lines} lines, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
