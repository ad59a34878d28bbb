"""The attacker of issue 18: someone with the database, a dump or a backup who knows who voted.

They know which resident holds which code (so a vote mark names a resident) and try to pair
every vote mark with a ballot. Their tools are orderings: marks and ballots each sorted by any
column or hidden row address the database has (SQLite's ``rowid``; PostgreSQL's ``ctid``, the
physical place of a row, and ``xmin``, the transaction that wrote it), by the order in which
rows come out of a scan or a dump, a mark also by the columns of its code and its resident
account, and a ballot also by the lowest and the highest of each of those over its entries —
then the first mark is paired with the first ballot, and so on, in both directions. They also
join a mark and a ballot (or its entries) that share the value of a column with the same name
and no other row does (PostgreSQL's ``xmin``: a mark and a ballot written by one transaction).

What a ballot says (its projects, points, positions and channel) is not used to order it. The
tests give voters their ballots in a fresh random assignment, independent of when they sign in
or vote; then any pairing that tells nothing gets right what a random permutation gets right,
whatever it is based on, and :func:`chance_limit` is exact.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from fractions import Fraction
from math import comb, factorial
from pathlib import Path
from typing import Any

from .postgres import pg_bin

MARKS = "participation_votemark"
CODES = "participation_residentcode"
USERS = "auth_user"
BALLOTS = "participation_ballot"
ENTRIES = "participation_ballotentry"
SEALED = "participation_sealedballot"
TABLES = (MARKS, CODES, USERS, BALLOTS, ENTRIES, SEALED)
CONTENT = {"project_id", "position", "points", "channel"}
"""What a ballot says: public after the vote, so never a clue to who cast it."""
POSITION = "@position"
"""The place of a row in a scan of its table or in a dump: physical order, as the reader sees it."""

Row = dict[str, Any]


@dataclass(frozen=True)
class Snapshot:
    """Rows of the tables that matter, in the order the database or the dump gives them."""

    tables: dict[str, list[Row]]

    def rows(self, table: str) -> list[Row]:
        return self.tables.get(table, [])


@dataclass(frozen=True)
class Attack:
    best: int
    """The most ballots that any one ordering or join paired with the right code."""
    how: str
    tries: int
    """Different pairings tried: what chance is allowed for (see :func:`chance_limit`)."""
    marks: int
    ballots: int
    """Ballots the attacker could read (a sealed box cannot be read)."""


def _value(raw: Any) -> Any:
    """Numbers from a dump are text; addresses like ``(0,12)`` sort as pairs of numbers."""
    if isinstance(raw, str):
        if re.fullmatch(r"-?\d+", raw):
            return int(raw)
        if match := re.fullmatch(r"\((\d+),(\d+)\)", raw):
            return (int(match.group(1)), int(match.group(2)))
    if isinstance(raw, memoryview):
        return bytes(raw)
    return raw


def _numbered(rows: Iterable[dict[str, Any]]) -> list[Row]:
    return [{**{k: _value(v) for k, v in row.items()}, POSITION: n} for n, row in enumerate(rows)]


# --- reading the live database, as an administrator could -------------------------------------


def read_sqlite(path: Path) -> Snapshot:
    """Every row with its rowid, in the order a plain scan returns them."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    tables: dict[str, list[Row]] = {}
    try:
        present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table in TABLES:
            if table not in present:
                continue
            try:
                rows = db.execute(f'SELECT rowid AS "@rowid", * FROM "{table}"').fetchall()
            except sqlite3.OperationalError:  # a table WITHOUT ROWID has no rowid to read
                rows = db.execute(f'SELECT * FROM "{table}"').fetchall()
            tables[table] = _numbered(dict(r) for r in rows)
    finally:
        db.close()
    return Snapshot(tables)


def read_postgres(url: str) -> Snapshot:
    """Every row with its physical address (ctid) and writing transaction (xmin)."""
    import psycopg
    from psycopg.rows import dict_row

    tables: dict[str, list[Row]] = {}
    with psycopg.connect(url, row_factory=dict_row) as db:
        for table in TABLES:
            if db.execute("SELECT to_regclass(%s)", [table]).fetchone()["to_regclass"] is None:  # type: ignore[index]
                continue
            rows = db.execute(
                f'SELECT ctid::text AS "@ctid", xmin::text AS "@xmin", * FROM "{table}"'
            ).fetchall()
            tables[table] = _numbered(rows)
    return Snapshot(tables)


# --- reading a dump, as anyone who finds a backup could -----------------------------------------


def sqlite_dump(path: Path) -> str:
    """What ``sqlite3 app.sqlite3 .dump`` writes (Python's ``iterdump`` is the same dump)."""
    db = sqlite3.connect(path)
    try:
        return "\n".join(db.iterdump())
    finally:
        db.close()


def postgres_dump(url: str) -> str:
    """A plain ``pg_dump`` of the whole database."""
    binaries = pg_bin()
    assert binaries is not None
    done = subprocess.run(
        [str(binaries / "pg_dump"), "--no-owner", "--dbname", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


_SQL_VALUE = re.compile(r"'(?:[^']|'')*'|X'[0-9A-Fa-f]*'|NULL|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _sql_value(token: str) -> Any:
    if token == "NULL":
        return None
    if token.startswith("X'"):
        return bytes.fromhex(token[2:-1])
    if token.startswith("'"):
        return token[1:-1].replace("''", "'")
    return token


def _create_table_columns(statement: str) -> list[str]:
    body = statement[statement.index("(") + 1 : statement.rindex(")")]
    items, depth, current = [], 0, ""
    for ch in body:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    return [m.group(1) for item in items if (m := re.match(r'\s*"([^"]+)"', item))]


def parse_sqlite_dump(text: str) -> Snapshot:
    columns: dict[str, list[str]] = {}
    raw: dict[str, list[dict[str, Any]]] = {}
    for line in text.splitlines():
        if match := re.match(r'CREATE TABLE (?:IF NOT EXISTS )?"?(\w+)"?', line):
            columns[match.group(1)] = _create_table_columns(line)
        elif match := re.match(r'INSERT INTO "?(\w+)"? VALUES\((.*)\);$', line):
            table = match.group(1)
            if table in TABLES:
                values = [_sql_value(t.group(0)) for t in _SQL_VALUE.finditer(match.group(2))]
                raw.setdefault(table, []).append(dict(zip(columns[table], values, strict=True)))
    return Snapshot({table: _numbered(rows) for table, rows in raw.items()})


def parse_postgres_dump(text: str) -> Snapshot:
    raw: dict[str, list[dict[str, Any]]] = {}
    lines = iter(text.splitlines())
    for line in lines:
        match = re.match(r"COPY (?:\w+\.)?\"?(\w+)\"? \((.*)\) FROM stdin;$", line)
        if not match:
            continue
        table, names = match.group(1), [c.strip().strip('"') for c in match.group(2).split(",")]
        for row in lines:
            if row == "\\.":
                break
            if table in TABLES:
                values = [None if v == "\\N" else v for v in row.split("\t")]
                raw.setdefault(table, []).append(dict(zip(names, values, strict=True)))
    return Snapshot({table: _numbered(rows) for table, rows in raw.items()})


# --- the attack -----------------------------------------------------------------------------------


def _features(row: Row, prefix: str, skip: Collection[str] = ()) -> dict[str, Any]:
    return {f"{prefix}{k}": v for k, v in row.items() if k not in skip}


def _mark_features(snapshot: Snapshot, budget_id: int) -> list[tuple[int, dict[str, Any]]]:
    """(code id, everything known about the mark, its code and its resident's account)."""
    codes = {r["id"]: r for r in snapshot.rows(CODES)}
    users = {r["id"]: r for r in snapshot.rows(USERS)}
    out = []
    for mark in snapshot.rows(MARKS):
        if mark["budget_id"] != budget_id:
            continue
        code = codes.get(mark["code_id"], {})
        user = users.get(code.get("user_id"), {})
        features = {
            **_features(mark, "mark."),
            **_features(code, "code."),
            **_features(user, "account."),
        }
        out.append((mark["code_id"], features))
    return out


def _ballot_features(snapshot: Snapshot, budget_id: int) -> list[tuple[frozenset, dict[str, Any]]]:
    """(what the ballot says, every position and key of the ballot and its entries)."""
    entries: dict[Any, list[Row]] = {}
    for entry in snapshot.rows(ENTRIES):
        entries.setdefault(entry["ballot_id"], []).append(entry)
    out = []
    for ballot in snapshot.rows(BALLOTS):
        if ballot["budget_id"] != budget_id:
            continue
        own = entries.get(ballot["id"], [])
        content = frozenset(e["project_id"] for e in own)
        features = _features(ballot, "ballot.", CONTENT)
        for name in {k for e in own for k in e} - CONTENT - {"ballot_id"}:
            present = [e[name] for e in own if e[name] is not None]
            if present:
                features[f"lowest entry {name}"] = min(present)
                features[f"highest entry {name}"] = max(present)
        out.append((content, features))
    return out


def ballot_contents(snapshot: Snapshot, budget_id: int) -> list[frozenset]:
    """What each readable ballot of the budget says: the set of its projects."""
    return [content for content, _features in _ballot_features(snapshot, budget_id)]


def _sorted(items: list, name: str, reverse: bool = False) -> list:
    def key(item: tuple[Any, dict[str, Any]]) -> tuple[bool, Any]:
        value = item[1].get(name)
        return (value is None, value)

    return sorted(items, key=key, reverse=reverse)


def attack(snapshot: Snapshot, budget_id: int, truth: dict[int, frozenset]) -> Attack:
    """Try every ordering and one-to-one join; report the best one against the truth."""
    marks = _mark_features(snapshot, budget_id)
    ballots = _ballot_features(snapshot, budget_id)
    tried: dict[tuple, tuple[int, list[str]]] = {}

    def score(pairs: list[tuple[int, int]], how: str) -> None:
        key = tuple(sorted(pairs))
        if not key:
            return
        if key not in tried:
            tried[key] = (sum(1 for code, b in pairs if truth[code] == ballots[b][0]), [])
        tried[key][1].append(how)

    indexed = [(n, features) for n, (_content, features) in enumerate(ballots)]
    mark_names = sorted({k for _c, f in marks for k in f})
    ballot_names = sorted({k for _b, f in indexed for k in f})
    for m_name in mark_names:
        by_mark = _sorted(marks, m_name)
        for b_name in ballot_names:
            for reverse in (False, True):
                by_ballot = _sorted(indexed, b_name, reverse)
                pairs = [(c, b) for (c, _f), (b, _g) in zip(by_mark, by_ballot, strict=False)]
                score(pairs, f"marks by {m_name}, ballots by {b_name}{' (reversed)' * reverse}")
            if _base(m_name) == _base(b_name) and m_name.startswith("mark."):
                _join(marks, indexed, m_name, b_name, score)
    if not tried:
        return Attack(0, "nothing to pair", 0, len(marks), len(ballots))
    right, hows = max(tried.values(), key=lambda found: found[0])
    hows = sorted(hows, key=lambda h: (not h.startswith("marks by mark."), len(h)))
    how = "; ".join(hows[:3]) + (f"; and {len(hows) - 3} more" if len(hows) > 3 else "")
    return Attack(right, how, len(tried), len(marks), len(ballots))


def _base(feature: str) -> str:
    """The column behind a feature: ``mark.@xmin`` and ``lowest entry @xmin`` are both xmin."""
    return feature.split(".", 1)[1] if "." in feature else feature.rsplit(" ", 1)[1]


def _join(marks: list, ballots: list, m_name: str, b_name: str, score: Callable[..., None]) -> None:
    """Pair a mark and a ballot that share a value of these two features and no one else does."""

    def one_to_one(items: list, name: str) -> dict[Any, Any]:
        seen: dict[Any, list[Any]] = {}
        for ident, features in items:
            if features.get(name) is not None:
                seen.setdefault(features[name], []).append(ident)
        return {value: ids[0] for value, ids in seen.items() if len(ids) == 1}

    left, right = one_to_one(marks, m_name), one_to_one(ballots, b_name)
    pairs = [(left[v], right[v]) for v in left.keys() & right.keys()]
    score(pairs, f"marks joined to ballots on {m_name} = {b_name}")


def chance_limit(n: int, tries: int, alpha: float = 1e-6) -> int:
    """The fewest right pairs that chance would reach with probability below ``alpha``.

    A pairing that tells nothing pairs like a random permutation of ``n``: the number of right
    pairs is its number of fixed points (mean 1, whatever ``n``). ``P(X >= k)`` is exact, from
    the derangement numbers; over ``tries`` pairings (Bonferroni) chance reaches the limit with
    probability at most ``alpha``, so a test that asserts ``best < limit`` is not flaky.
    """
    derangements = [1, 0]
    for m in range(2, n + 1):
        derangements.append((m - 1) * (derangements[-1] + derangements[-2]))
    total = factorial(n)

    def at_least(k: int) -> Fraction:
        return Fraction(sum(comb(n, j) * derangements[n - j] for j in range(k, n + 1)), total)

    k = 1
    while k <= n and max(tries, 1) * at_least(k) > alpha:
        k += 1
    return k
