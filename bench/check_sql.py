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
recursively, whitespace aside.

Beyond whitespace, three liberties, each explicit in the script:
- `\\gset` (optionally with a prefix) ends a statement like ";", storing its
  row in variables;
- a statement after a `-- bench-only:` comment is not the code's: it may only
  SELECT from `bench_*` tables (rows bench/bench.py prepared, such as what the
  server draws at random), must end in `\\gset`, and is listed as "bench";
- a variable may carry a cast to the type the server binds that hole with
  (CASTS: `[Int]` is bound as bigint[], `[String]` as text[]), because pgbench
  binds every variable untyped and PostgreSQL cannot infer an array's type
  inside `unnest`.

What it cannot see by itself: a statement the code path gained (a new query
in the handler) that no pgbench script runs. A `-- covers: <file> <function>`
line closes that gap for the functions it names: every SQL statement literal
in the body of that function (one starting with SELECT, INSERT, UPDATE, DELETE
or WITH) must be run by the script. bench/README.md lists, per path, the
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
# Casts a pgbench variable may carry: the array types SQL.swift binds (TypeOID.int8Array
# for [Int], TypeOID.textArray for [String]); the cast gives the parameter the type the
# server's binding gives it, nothing more.
CASTS = ("::bigint[]", "::text[]")
STATEMENT_START = re.compile(r"(SELECT|INSERT|UPDATE|DELETE|WITH)\b")


def swift_literals(path: Path):
    """(line, text-with-holes) for every string literal of a Swift file."""
    return [(line, text) for line, text, _, _ in swift_literal_spans(path.read_text())]


def swift_literal_spans(src: str):
    """(line, text-with-holes, start, end) for every string literal of Swift source."""
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
            out.append((line, normalize("".join(text)), start, i))
            continue
        i += 1
    return out


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pgbench_statements(path: Path):
    """(sources, covers, [(statement, bench_only)]) of a pgbench script; meta-commands
    are skipped. A statement after a `-- bench-only:` comment line is marked as such."""
    sources, covers, statements = [], [], []
    sql, bench_only, gset = [], False, False

    def end_statement(ended_by_gset):
        text = normalize("\n".join(sql))
        if text:
            # A pgbench variable (not a :: cast) is a bound parameter.
            statements.append((re.sub(r"(?<![:A-Za-z0-9_]):[A-Za-z_][A-Za-z0-9_]*", PARAM, text), bench_only, ended_by_gset))
        sql.clear()

    for line in path.read_text().splitlines():
        stripped = line.strip()
        match = re.match(r"--\s*source:\s*(\S+)", stripped)
        if match:
            sources.append(match.group(1))
            continue
        match = re.match(r"--\s*covers:\s*(\S+)\s+(\w+)\s*$", stripped)
        if match:
            covers.append((match.group(1), match.group(2)))
            continue
        if re.match(r"--\s*bench-only:", stripped):
            if normalize("\n".join(sql)):
                raise SystemExit(f"{path.name}: `-- bench-only:` inside a statement")
            bench_only = True
            continue
        if re.fullmatch(r"\\gset(\s+\w+)?", stripped):  # ends a query like ";", storing its row in variables
            end_statement(True)
            bench_only = False
            continue
        if stripped.startswith("--") or stripped.startswith("\\"):
            continue
        parts = line.split(";")
        for k, part in enumerate(parts):
            sql.append(part)
            if k < len(parts) - 1:
                end_statement(False)
                bench_only = False
    end_statement(False)
    return sources, covers, statements


def function_body(src: str, spans, name: str):
    """(start, end) of the body of every `func name` in Swift source, braces inside string
    literals and comments aside."""
    skip = sorted((start, end) for _, _, start, end in spans)
    bodies = []
    for match in re.finditer(rf"\bfunc\s+{re.escape(name)}\b", src):
        i, depth, start = match.end(), 0, None
        while i < len(src):
            inside = next((end for s, end in skip if s <= i < end), None)
            if inside is not None:
                i = inside
                continue
            if src.startswith("//", i):
                i = src.find("\n", i)
                i = len(src) if i < 0 else i
                continue
            if src[i] == "{":
                depth += 1
                start = i if start is None else start
            elif src[i] == "}":
                depth -= 1
                if depth == 0 and start is not None:
                    bodies.append((start, i + 1))
                    break
            i += 1
    return bodies


BENCH_ONLY = re.compile(r"SELECT .+? FROM bench_\w+ WHERE [^;]*")


def bench_only_ok(statement: str) -> bool:
    """A bench-only statement reads only bench_* tables (and bench_* sequences)."""
    if not BENCH_ONLY.fullmatch(statement):
        return False
    tables = re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", statement)
    sequences = re.findall(r"nextval\('(\w+)'\)", statement)
    return all(t.startswith("bench_") for t in tables + sequences) and not re.search(
        r"\b(INSERT|UPDATE|DELETE)\b", statement)


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
                        for cast in CASTS:  # the type the server binds this hole with
                            if statement.startswith(cast, p + 1):
                                filled.add(p + 1 + len(cast))
                    if depth < 4:
                        for other in range(len(texts)):
                            if other != index:
                                filled |= ends(other, statement, p, depth + 1)
                positions = filled
            positions = {p + len(part) for p in positions if statement.startswith(part, p)}
            if not positions:
                break
        return frozenset(positions)

    def matches(index: int, statement: str) -> bool:
        # A literal of holes only ("\\(storeID)" in a log line) is no statement of its own.
        return bool(texts[index].replace(HOLE, "").strip()) and len(statement) in ends(index, statement, 0, 0)

    def find(statement: str):
        for index, (file, line, text) in enumerate(templates):
            if matches(index, statement):
                return f"{file}:{line}"
        return None

    return find, matches


def main() -> int:
    failures = 0
    scripts = sorted((ROOT / "bench" / "sql").glob("*.sql"))
    for script in scripts:
        sources, covers, statements = pgbench_statements(script)
        if not sources:
            print(f"FAIL {script.relative_to(ROOT)}: no `-- source:` line")
            failures += 1
            continue
        templates = [(src, line, text) for src in sources for line, text in swift_literals(ROOT / src)]
        find, matches = matcher(templates)
        for statement, bench_only, ended_by_gset in statements:
            shown = statement.replace(PARAM, "$").replace(HOLE, "?")
            shown = shown if len(shown) < 70 else shown[:67] + "..."
            if bench_only:
                if ended_by_gset and bench_only_ok(statement):
                    print(f"bench {script.name}: {shown}  (bench-only: reads bench_* tables into variables)")
                else:
                    print(f"FAIL {script.name}: {shown}  a bench-only statement must SELECT from bench_* tables only and end in \\gset")
                    failures += 1
                continue
            where = find(statement)
            if where:
                print(f"ok   {script.name}: {shown}  = {where}")
            else:
                print(f"FAIL {script.name}: {shown}  matches no statement of {', '.join(sources)}")
                failures += 1
        # Every statement of the functions the script says it covers is run by it.
        for file, function in covers:
            if file not in sources:
                print(f"FAIL {script.name}: covers {file}, which is no `-- source:` of it")
                failures += 1
                continue
            src = (ROOT / file).read_text()
            spans = swift_literal_spans(src)
            bodies = function_body(src, spans, function)
            if not bodies:
                print(f"FAIL {script.name}: no `func {function}` in {file}")
                failures += 1
                continue
            wanted = [(line, text) for line, text, start, _ in spans
                      if any(b <= start < e for b, e in bodies) and STATEMENT_START.match(text)]
            code = [(file, line, text) for file_, line, text in templates if file_ == file]
            missing = []
            for line, text in wanted:
                index = next(k for k, t in enumerate(templates) if t == (file, line, text))
                if not any(matches(index, statement) for statement, bench_only, _ in statements if not bench_only):
                    missing.append(line)
            if missing:
                print(f"FAIL {script.name}: {file} {function}() sends statements the script does not run (lines {', '.join(map(str, missing))})")
                failures += 1
            else:
                print(f"ok   {script.name}: runs all {len(wanted)} statement(s) of {function}() in {file}")
    if not scripts:
        print("FAIL no bench/sql/*.sql")
        return 1
    print(f"check_sql: {len(scripts)} scripts, {failures} failure(s): statements drifted from the code or not run")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
