"""Read and write Pabulib ``.pb`` files (Faliszewski et al. 2023).

A ``.pb`` file has three sections, META, PROJECTS and VOTES, each a ``;``-separated CSV table
with its own header (META's is ``key;value``). Parsing is all-or-nothing: a file either becomes a
complete :class:`~wijkkompas.budgeting.model.Instance` or raises :class:`PabulibError` naming the
line and what is wrong with it, so a half-read election can never reach a rule.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction

from wijkkompas.budgeting.model import POINT_VOTE_TYPES, VOTE_TYPES, Ballot, Instance, Project
from wijkkompas.budgeting.numbers import format_number, parse_number
from wijkkompas.errors import WijkkompasError

SECTIONS = ("meta", "projects", "votes")
_INT_META = ("num_projects", "num_votes", "min_length", "max_length")
_NUMBER_META = (
    "budget",
    "min_sum_cost",
    "max_sum_cost",
    "min_points",
    "max_points",
    "min_sum_points",
    "max_sum_points",
    "default_score",
    "min_project_cost",
    "max_project_cost",
)


class PabulibError(WijkkompasError):
    """A ``.pb`` file that does not follow the format; the message names file and line."""

    def __init__(self, source: str, line: int, problem: str) -> None:
        self.source = source
        self.line = line
        self.problem = problem
        super().__init__(f"{source}, line {line}: {problem}")


Row = tuple[int, list[str]]


def parse_pabulib(text: str | bytes, name: str = "<string>") -> Instance:
    """Parse the text of a Pabulib file.

    Parameters
    ----------
    text : str or bytes
        The file content; bytes are decoded as UTF-8 (a byte-order mark is allowed).
    name : str
        Where the text came from, used in error messages and kept as ``Instance.name``.

    Returns
    -------
    Instance
        Every META entry and every project and ballot column, verbatim where the rules do not
        need a typed value.

    Raises
    ------
    PabulibError
        With the line number, for a missing or misplaced section, a wrong number of fields, a
        bad number, a duplicate id, a vote for an unknown project, or ``num_projects`` /
        ``num_votes`` that disagree with the sections.

    Notes
    -----
    The format is the one of Faliszewski et al. (2023), "Participatory Budgeting: Data, Tools
    and Analysis", IJCAI-23, first described by Stolicki, Szufa & Talmon (2020),
    arXiv:2012.06539. Lines are CSV records with ``;`` as delimiter and ``"`` quoting; both
    LF and CRLF line ends occur in published files.
    """
    if isinstance(text, bytes):
        data = text
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise PabulibError(name, line, f"the file is not UTF-8 text ({exc.reason})") from None
    text = text.removeprefix("\ufeff")
    sections = _split_sections(_records(text, name), name)
    meta, meta_lines = _parse_meta(sections["meta"], name)
    vote_type = meta["vote_type"]
    project_header, project_rows = sections["projects"]
    projects = _parse_projects(project_header, project_rows, name)
    vote_header, vote_rows = sections["votes"]
    known = {p.id for p in projects}
    ballots = _parse_votes(vote_header, vote_rows, vote_type, known, name)
    _check_count(meta, meta_lines, "num_projects", len(projects), "PROJECTS", name)
    _check_count(meta, meta_lines, "num_votes", len(ballots), "VOTES", name)
    return Instance(
        meta=meta,
        projects=tuple(projects),
        ballots=tuple(ballots),
        project_columns=tuple(project_header[1]),
        vote_columns=tuple(vote_header[1]),
        name=name,
    )


def _records(text: str, name: str) -> Iterator[Row]:
    """Non-blank CSV records with the line each starts on (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PabulibError(name, reader.line_num or start, f"unreadable CSV: {exc}") from None
        cells = [cell.strip() for cell in row]
        if any(cells):
            yield start, cells


def _split_sections(records: Iterator[Row], name: str) -> dict[str, tuple[Row, list[Row]]]:
    """Group records into sections; each section is (header row, data rows)."""
    found: dict[str, tuple[Row, list[Row]]] = {}
    current: list[Row] | None = None
    last_line = 0
    records = iter(records)
    for line, row in records:
        last_line = line
        title = row[0].lower()
        if title in SECTIONS and not any(row[1:]):
            expected = SECTIONS[len(found)] if len(found) < len(SECTIONS) else None
            if title != expected:
                where = "again" if title in found else "out of order"
                raise PabulibError(
                    name,
                    line,
                    f"section {title.upper()} {where}; expected "
                    + (f"{expected.upper()}" if expected else "no more sections"),
                )
            header = next(records, None)
            if header is None:
                raise PabulibError(name, line, f"section {title.upper()} has no header line")
            last_line = header[0]
            current = []
            found[title] = (header, current)
        elif current is None:
            raise PabulibError(name, line, "expected the META section to start here")
        else:
            current.append((line, row))
    for section in SECTIONS:
        if section not in found:
            raise PabulibError(name, max(last_line, 1), f"the {section.upper()} section is missing")
    return found


def _header(header: Row, required: tuple[str, ...], section: str, name: str) -> list[str]:
    line, columns = header
    for column in columns:
        if not column:
            raise PabulibError(name, line, f"{section} header has an empty column name")
    duplicates = sorted(c for c, n in Counter(columns).items() if n > 1)
    if duplicates:
        raise PabulibError(name, line, f"{section} header repeats column {duplicates[0]!r}")
    for column in required:
        if column not in columns:
            raise PabulibError(name, line, f"{section} header has no {column!r} column")
    return columns


def _parse_meta(section: tuple[Row, list[Row]], name: str) -> tuple[dict[str, str], dict[str, int]]:
    header, rows = section
    if len(header[1]) != 2:
        raise PabulibError(name, header[0], "the META header must be key;value")
    meta: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, row in rows:
        if len(row) != 2:
            raise PabulibError(
                name, line, f"META rows have 2 fields (key;value), this one has {len(row)}"
            )
        key, value = row
        if not key:
            raise PabulibError(name, line, "META key is empty")
        if key in meta:
            raise PabulibError(
                name, line, f"META key {key!r} repeated (first on line {lines[key]})"
            )
        meta[key] = value
        lines[key] = line
    end = rows[-1][0] if rows else header[0]
    for key in ("budget", "vote_type"):
        if key not in meta:
            raise PabulibError(name, end, f"META has no {key!r} entry")
    if meta["vote_type"] not in VOTE_TYPES:
        raise PabulibError(
            name,
            lines["vote_type"],
            f"vote_type {meta['vote_type']!r} is not one of {', '.join(VOTE_TYPES)}",
        )
    for key in _INT_META:
        if key in meta and not (meta[key].isascii() and meta[key].isdigit()):
            raise PabulibError(name, lines[key], f"{key} {meta[key]!r} is not a whole number")
    for key in _NUMBER_META:
        if key in meta and parse_number(meta[key], decimal_comma=key == "budget") is None:
            raise PabulibError(name, lines[key], f"{key} {meta[key]!r} is not a number")
    budget = parse_number(meta["budget"], decimal_comma=True)
    if budget is not None and budget < 0:
        raise PabulibError(name, lines["budget"], "budget is negative")
    if "budget_per_category" in meta:
        for part in meta["budget_per_category"].split(","):
            if parse_number(part) is None:
                raise PabulibError(
                    name,
                    lines["budget_per_category"],
                    f"budget_per_category value {part.strip()!r} is not a number",
                )
    return meta, lines


def _parse_projects(header: Row, rows: list[Row], name: str) -> list[Project]:
    columns = _header(header, ("project_id", "cost"), "PROJECTS", name)
    projects: list[Project] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        values = _fields(line, row, columns, "PROJECTS", name)
        pid = values.pop("project_id")
        if not pid:
            raise PabulibError(name, line, "project_id is empty")
        if "," in pid:
            raise PabulibError(name, line, f"project_id {pid!r} contains a comma")
        if pid in seen:
            raise PabulibError(
                name, line, f"project_id {pid!r} repeated (first on line {seen[pid]})"
            )
        seen[pid] = line
        cost_text = values.pop("cost")
        cost = parse_number(cost_text, decimal_comma=True)
        if cost is None or cost < 0:
            raise PabulibError(
                name, line, f"cost {cost_text!r} of project {pid} is not a number >= 0"
            )
        projects.append(Project(id=pid, cost=cost, fields=values))
    return projects


def _parse_votes(
    header: Row, rows: list[Row], vote_type: str, known: set[str], name: str
) -> list[Ballot]:
    with_points = vote_type in POINT_VOTE_TYPES
    required = ("voter_id", "vote", "points") if with_points else ("voter_id", "vote")
    columns = _header(header, required, "VOTES", name)
    ballots: list[Ballot] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        values = _fields(line, row, columns, "VOTES", name)
        voter = values.pop("voter_id")
        if not voter:
            raise PabulibError(name, line, "voter_id is empty")
        if voter in seen:
            raise PabulibError(
                name, line, f"voter_id {voter!r} repeated (first on line {seen[voter]})"
            )
        seen[voter] = line
        vote = _vote(line, values.pop("vote"), vote_type, known, name)
        points = _points(line, values.pop("points"), vote, vote_type, name) if with_points else None
        ballots.append(Ballot(voter_id=voter, projects=vote, points=points, fields=values))
    return ballots


def _fields(
    line: int, row: list[str], columns: list[str], section: str, name: str
) -> dict[str, str]:
    if len(row) != len(columns):
        raise PabulibError(
            name, line, f"{section} rows have {len(columns)} fields, this one has {len(row)}"
        )
    return dict(zip(columns, row, strict=True))


def _vote(line: int, text: str, vote_type: str, known: set[str], name: str) -> tuple[str, ...]:
    if not text:
        return ()
    ids = tuple(map(str.strip, text.split(",")))
    if not known.issuperset(ids):  # one C-level check for the common case, then find the fault
        for pid in ids:
            if not pid:
                raise PabulibError(name, line, f"vote {text!r} has an empty project id")
            if pid not in known:
                raise PabulibError(name, line, f"vote for unknown project {pid!r}")
    if len(set(ids)) != len(ids):
        twice = next(p for p in ids if ids.count(p) > 1)
        raise PabulibError(name, line, f"vote names project {twice!r} more than once")
    if vote_type == "choose-1" and len(ids) > 1:
        raise PabulibError(name, line, f"a choose-1 vote names {len(ids)} projects")
    return ids


def _points(
    line: int, text: str, vote: tuple[str, ...], vote_type: str, name: str
) -> tuple[Fraction, ...]:
    parts = [p.strip() for p in text.split(",")] if text else []
    if len(parts) != len(vote):
        raise PabulibError(
            name, line, f"the vote names {len(vote)} projects but points has {len(parts)} values"
        )
    points: list[Fraction] = []
    for part in parts:
        value = parse_number(part)
        if value is None:
            raise PabulibError(name, line, f"points value {part!r} is not a number")
        if vote_type == "cumulative" and value < 0:
            raise PabulibError(name, line, f"cumulative points must be >= 0, found {part}")
        points.append(value)
    return tuple(points)


def _check_count(
    meta: dict[str, str], lines: dict[str, int], key: str, actual: int, section: str, name: str
) -> None:
    if key in meta and int(meta[key]) != actual:
        raise PabulibError(
            name, lines[key], f"{key} is {meta[key]} but the {section} section has {actual} rows"
        )


def write_pabulib(instance: Instance) -> str:
    """The Pabulib text of ``instance`` (LF line ends, CSV quoting only where needed).

    Parameters
    ----------
    instance : Instance
        An instance, typically from :func:`parse_pabulib`.

    Returns
    -------
    str
        Text that :func:`parse_pabulib` (and pabutools) read back to an equal instance. META
        entries and extra columns are written verbatim and in their original order, except
        that ``num_projects`` and ``num_votes``, where present, are set to the actual counts;
        costs and points are written as exact decimals.

    Notes
    -----
    Format of Faliszewski et al. (2023), "Participatory Budgeting: Data, Tools and Analysis",
    IJCAI-23.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quotechar='"', lineterminator="\n")
    meta = dict(instance.meta)
    for key, count in (
        ("num_projects", len(instance.projects)),
        ("num_votes", len(instance.ballots)),
    ):
        if key in meta:
            meta[key] = str(count)
    buffer.write("META\n")
    writer.writerow(["key", "value"])
    writer.writerows(meta.items())
    project_columns = list(instance.project_columns) or _columns(
        ["project_id", "cost"], (p.fields for p in instance.projects)
    )
    buffer.write("PROJECTS\n")
    writer.writerow(project_columns)
    for project in instance.projects:
        typed = {"project_id": project.id, "cost": format_number(project.cost)}
        writer.writerow([typed.get(c, project.fields.get(c, "")) for c in project_columns])
    with_points = instance.meta.get("vote_type") in POINT_VOTE_TYPES
    vote_columns = list(instance.vote_columns) or _columns(
        ["voter_id", "vote", *(["points"] if with_points else [])],
        (b.fields for b in instance.ballots),
    )
    buffer.write("VOTES\n")
    writer.writerow(vote_columns)
    for ballot in instance.ballots:
        typed = {"voter_id": ballot.voter_id, "vote": ",".join(ballot.projects)}
        if ballot.points is not None:
            typed["points"] = ",".join(format_number(p) for p in ballot.points)
        writer.writerow([typed.get(c, ballot.fields.get(c, "")) for c in vote_columns])
    return buffer.getvalue()


def _columns(first: list[str], field_maps: Iterator[dict[str, str]]) -> list[str]:
    columns = list(first)
    for fields in field_maps:
        columns.extend(k for k in fields if k not in columns)
    return columns
