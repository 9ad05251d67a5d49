#!/usr/bin/env python3
"""Proves that every SQL statement pgbench runs (bench/sql/*.sql) is, word for
word, a statement the Swift code sends, so the two sides of a ratio cannot drift.

Each bench/sql/<path>.sql names its Swift files in `-- source: <file>` lines.
From those files every string literal is read; an interpolation `\\(…)` becomes a
hole. A pgbench statement (comments dropped, whitespace collapsed, `:variables`
as parameters) passes when it equals one of those literals with every hole
filled either by a parameter (a bound `\\(value)` in Swift) or by another
literal of the same files (an interpolated SQL fragment, such as
`\\(StoreProduct.columns)` or the DELETE inside `CapacityStatements.release`),
recursively. Whitespace is the only liberty taken.

What it cannot see: a statement the code path gained (a new query in the
handler) that no pgbench script runs. bench/README.md lists, per path, the
statements the HTTP request sends beside the ones pgbench runs.

Exit status 0 when all match; prints one line per statement either way.
"""
import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOLE = "\x00"    # an interpolation in Swift
PARAM = "\x01"   # a :variable in pgbench


def swift_literals(path: Path):
    """(line, text-with-holes) for every string literal of a Swift file."""
    src = path.read_text()
    out = []
    i, n = 0, len(src)
    while i < n:
        if src.startswith("//", i):
            i = src.find("\n", i)
            i = n if i < 0 else i
            continue
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if src[i] == '"':
            multi = src.startswith('"""', i)
            start = i
            i += 3 if multi else 1
            text = []
            while i < n:
                if multi and src.startswith('"""', i):
                    i += 3
                    break
                if not multi and (src[i] == '"' or src[i] == "\n"):
                    i += 1
                    break
                if src[i] == "\\" and i + 1 < n:
                    nxt = src[i + 1]
                    if nxt == "(":
                        depth, i = 1, i + 2
                        while i < n and depth:
                            if src[i] == "(":
                                depth += 1
                            elif src[i] == ")":
                                depth -= 1
                            elif src[i] == '"':  # a string inside the interpolation
                                i = src.find('"', i + 1)
                            i += 1
                        text.append(HOLE)
                        continue
                    if nxt == "\n":  # line continuation in a multi-line literal
                        i += 2
                        continue
                    text.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
                    i += 2
                    continue
                text.append(src[i])
                i += 1
            line = src.count("\n", 0, start) + 1
            out.append((line, normalize("".join(text))))
            continue
        i += 1
    return out


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pgbench_statements(path: Path):
    """(sources, [statement]) of a pgbench script; meta-commands are skipped."""
    sources, sql = [], []
    for line in path.read_text().splitlines():
        stripped = line.strip()
        match = re.match(r"--\s*source:\s*(\S+)", stripped)
        if match:
            sources.append(match.group(1))
            continue
        if stripped == "\\gset":  # ends a query like ";", storing its row in variables
            sql.append(";")
            continue
        if stripped.startswith("--") or stripped.startswith("\\"):
            continue
        sql.append(line)
    statements = [s for s in (normalize(part) for part in "\n".join(sql).split(";")) if s]
    # A pgbench variable (not a :: cast) is a bound parameter.
    statements = [re.sub(r"(?<![:A-Za-z0-9_]):[A-Za-z_][A-Za-z0-9_]*", PARAM, s) for s in statements]
    return sources, statements


def matcher(templates):
    texts = [t for _, _, t in templates]

    @lru_cache(maxsize=None)
    def ends(index: int, statement: str, position: int, depth: int):
        """Every position where template `index` can end when it starts at `position`."""
        parts = texts[index].split(HOLE)
        positions = {position}
        for k, part in enumerate(parts):
            if k > 0:
                filled = set()
                for p in positions:
                    if statement.startswith(PARAM, p):
                        filled.add(p + 1)
                    if depth < 4:
                        for other in range(len(texts)):
                            if other != index:
                                filled |= ends(other, statement, p, depth + 1)
                positions = filled
            positions = {p + len(part) for p in positions if statement.startswith(part, p)}
            if not positions:
                break
        return frozenset(positions)

    def find(statement: str):
        for index, (file, line, text) in enumerate(templates):
            # A literal of holes only ("\\(storeID)" in a log line) is no statement of its own.
            if text.replace(HOLE, "").strip() and len(statement) in ends(index, statement, 0, 0):
                return f"{file}:{line}"
        return None

    return find


def main() -> int:
    failures = 0
    scripts = sorted((ROOT / "bench" / "sql").glob("*.sql"))
    for script in scripts:
        sources, statements = pgbench_statements(script)
        if not sources:
            print(f"FAIL {script.relative_to(ROOT)}: no `-- source:` line")
            failures += 1
            continue
        templates = [(src, line, text) for src in sources for line, text in swift_literals(ROOT / src)]
        find = matcher(templates)
        for statement in statements:
            where = find(statement)
            shown = statement.replace(PARAM, "$").replace(HOLE, "?")
            shown = shown if len(shown) < 70 else shown[:67] + "..."
            if where:
                print(f"ok   {script.name}: {shown}  = {where}")
            else:
                print(f"FAIL {script.name}: {shown}  matches no statement of {', '.join(sources)}")
                failures += 1
    if not scripts:
        print("FAIL no bench/sql/*.sql")
        return 1
    print(f"check_sql: {len(scripts)} scripts, {failures} statement(s) drifted from the code")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
