#!/usr/bin/env python3
"""The values table of helm/boxoffice/README.md, generated from the `# --` comments of values.yaml.

A key is documented by a `# --` comment right above it (continued on further `#` lines). A documented
key whose value is a map or a list is one row: its children need no comment of their own. An
undocumented key must be a section whose every child is documented. Fails (exit 1) on a value without
a comment, so every value has one.

  helm/tests/values-docs.py            rewrite the table in README.md
  helm/tests/values-docs.py --check    fail when the table is not what values.yaml says (a ctest)
Defaults are read with `yq` (Debian), so they are exactly what YAML parses.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

CHART = Path(__file__).resolve().parent.parent / "boxoffice"
BEGIN, END = "<!-- values-table:begin -->", "<!-- values-table:end -->"
KEY = re.compile(r"^( *)([A-Za-z0-9_.-]+):(.*)$")


def parse(lines):
    """-> (rows [(path, description)], problems)"""
    rows, problems = [], []
    stack = []  # (indent, path, documented)
    children = {}  # path -> number of child keys
    doc, in_doc = None, False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("# --"):
            doc, in_doc = [stripped[4:].strip()], True
            continue
        if stripped.startswith("#"):
            if in_doc:
                doc.append(stripped[1:].strip())
            continue
        in_doc = False
        if not stripped:
            doc = None
            continue
        m = KEY.match(line)
        if not m:
            continue  # a list item or a continuation: part of the value above
        indent, key, rest = len(m.group(1)), m.group(2), m.group(3).strip()
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if any(documented for _, _, documented in stack):
            doc = None
            continue  # inside a documented map: covered by its row
        path = ".".join([p for _, p, _ in stack[-1:]] + [key]) if stack else key
        if stack:
            children[stack[-1][1]] = children.get(stack[-1][1], 0) + 1
        documented = doc is not None
        if documented:
            rows.append((path, " ".join(doc)))
        elif rest and not rest.startswith("#"):
            problems.append(f"values.yaml:{number}: {path} has a value but no '# --' comment")
        stack.append((indent, path, documented))
        children.setdefault(path, 0)
        if not documented:
            rows.append((path, None))  # a section, checked below
        doc = None
    documented_paths = {p for p, d in rows if d is not None}
    for path, description in rows:
        if description is None and children.get(path, 0) == 0 and not any(path + " " in p for p in problems):
            problems.append(f"values.yaml: {path} has no '# --' comment")
    return [(p, d) for p, d in rows if d is not None and p in documented_paths], problems


def lookup(values, path):
    node = values
    for part in path.split("."):
        node = node[part]
    return node


def type_name(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "null"
    return "object"


def table(rows, values):
    out = ["| Key | Type | Default | Description |", "|-----|------|---------|-------------|"]
    for path, description in rows:
        value = lookup(values, path)
        default = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        cell = lambda s: s.replace("|", "\\|")
        out.append(f"| `{path}` | {type_name(value)} | `{cell(default)}` | {cell(description)} |")
    return "\n".join(out)


def main():
    check = sys.argv[1:] == ["--check"]
    values_file = CHART / "values.yaml"
    rows, problems = parse(values_file.read_text().splitlines())
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    values = json.loads(subprocess.run(["yq", ".", str(values_file)], check=True, capture_output=True, text=True).stdout)
    readme_file = CHART / "README.md"
    readme = readme_file.read_text()
    if BEGIN not in readme or END not in readme:
        print(f"{readme_file}: no {BEGIN} ... {END} markers", file=sys.stderr)
        return 1
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    updated = f"{head}{BEGIN}\n{table(rows, values)}\n{END}{tail}"
    if check:
        if updated != readme:
            print("values-docs: helm/boxoffice/README.md's values table is out of date: run helm/tests/values-docs.py",
                  file=sys.stderr)
            return 1
        print(f"values-docs: README.md documents all {len(rows)} values of values.yaml")
        return 0
    readme_file.write_text(updated)
    print(f"values-docs: wrote {len(rows)} values into README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
