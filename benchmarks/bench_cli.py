"""Whole-process timings of what a user runs, on a store of twelve whole-country KWB files.

``python benchmarks/bench_cli.py [--rows N] [--years N]``; prints a table and exits 1 when a
budget of issue #19 is missed (house rule: benchmarks print, they are not tests).

Twelve ``kwb-YYYY.xlsx`` files in the real layout (17,850 regions each, the same buurten every
year) are generated at run time with the generator of ``bench_kwb_import.py``; no data file is
copied into the project. Each is imported with ``wijkkompas import`` in its own process, then
``index --level buurt --format csv`` over all years (twice: first right after the imports,
when it reads the store and keeps the panel beside it, then again, from the kept panel),
``explain``, ``report`` and ``--help`` run as a user would run them. Every timing stands beside a baseline measured in the same run on the
same files, so the ratio means something on any machine:

* import: a process that only reads the sheet with python-calamine (what the loader uses);
* index: a process that only reads the observations table into pandas with DuckDB (``.df()``),
  the plain read the index used to start with;
* the rest: ``python -c "import wijkkompas"``, the floor of any command.

The index is also timed step by step in this process (read the panel, score, rank intervals,
save the run), to show where its time goes.

When ``../shared/data`` is present (``--no-real`` skips it) the same is done on real files: the
whole-country KWB 2024 (the CBS StatLine CSV and its names-only twin), then every RIVM
health-monitor file there (2012, 2016 and 2020; 18+, 18–65 and 65+; 17,341 regions each), each
import beside calamine reading its sheet, then ``index`` first and again on that store.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench_kwb_import import write_kwb_xlsx

IMPORT_BUDGET = 5.0
INDEX_BUDGET = 5.0
FIRST_YEAR = 2013
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
REAL_KWB = (
    "kwb/nederland/Kerncijfers_wijken_en_buurten_2024_geslachten.csv",
    "kwb/nederland/Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv",
)


def run(*argv: str) -> float:
    """Seconds for one whole process (interpreter start included), which must succeed."""
    # With the bytecode cache, as an installed copy runs (some machines switch it off, which
    # would make every process compile wijkkompas's modules again).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    started = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
    return seconds


def wijkkompas(store: Path, *args: str) -> float:
    return run(sys.executable, "-m", "wijkkompas", "--store", str(store), *args)


def python(code: str) -> float:
    return run(sys.executable, "-c", code)


def index_steps(store: Path) -> dict[str, float]:
    """The index's own steps, timed in this process on a copy of the store."""
    from wijkkompas.catalogue import load_catalogue
    from wijkkompas.cli.output import write_csv
    from wijkkompas.index import score, uncertainty
    from wijkkompas.index.engine import options_of
    from wijkkompas.process import reuse_freed_memory
    from wijkkompas.services.panel import _read_panel, read_panel
    from wijkkompas.services.references import resolve_reference
    from wijkkompas.services.scoring import INDEX_COLUMNS, run_index
    from wijkkompas.store import AnalyticStore

    reuse_freed_memory()  # as the command line does at start
    analytic = AnalyticStore(store)
    catalogue = load_catalogue()
    reference = resolve_reference(analytic, catalogue)
    options = options_of(reference)
    steps: dict[str, float] = {}
    clock = time.perf_counter()
    _read_panel(analytic, None, catalogue, False)
    steps["read the panel from the store (first index after an import; not summed)"] = (
        time.perf_counter() - clock
    )
    clock = time.perf_counter()
    panel, _names, _selection = read_panel(analytic, catalogue=catalogue)
    steps["load the kept panel"] = time.perf_counter() - clock
    clock = time.perf_counter()
    result = score(panel, catalogue, reference, options)
    steps["score"] = time.perf_counter() - clock
    clock = time.perf_counter()
    # As ``index`` draws them: every year in one pass, 200 draws, from the run's own scores.
    uncertainty(
        panel, catalogue, reference, options, year=list(panel.years), draws=200, scored=result
    )
    steps["rank intervals (one pass over all years)"] = time.perf_counter() - clock
    run_ = run_index(analytic, catalogue=catalogue, draws=0, save=False)
    table = run_.table[[c for c in INDEX_COLUMNS if c in run_.table.columns]]
    clock = time.perf_counter()
    write_csv(run_.table[run_.table["level"] == "buurt"], io.StringIO())
    steps["write the CSV (buurten)"] = time.perf_counter() - clock
    clock = time.perf_counter()
    analytic.save_index_run(
        run_id="bench", label="bench", catalogue_sha256=catalogue.sha256, scope="bench",
        manifest=result.manifest(), reference_json=reference.to_json(), scores=table,
    )  # fmt: skip
    steps["save_index_run (the command line writes the CSV meanwhile)"] = (
        time.perf_counter() - clock
    )
    return steps


def real_rows(folder: Path) -> list[tuple[str, float, float | None, str]]:
    """The real whole-country files of ``../shared/data``: KWB 2024 and every RIVM file, each
    imported in its own process, then ``index`` first and again (rows as in :func:`main`)."""
    store = folder / "real.duckdb"
    kwb = [SHARED / name for name in REAL_KWB]
    rivm = sorted((SHARED / "rivm").glob("RIVM_gezondheid*.xlsx"))
    if not all(path.is_file() for path in kwb) or not rivm:
        print(f"SKIP real files: {SHARED} lacks them (see PROVENANCE.md there)", file=sys.stderr)
        return []
    floor = python("import wijkkompas.cli")
    rows: list[tuple[str, float, float | None, str]] = []
    for path in kwb:
        seconds = wijkkompas(store, "import", str(path))
        print(f"import {path.name}: {seconds:.2f} s")
        rows.append((f"import {path.name} (real)", seconds, IMPORT_BUDGET,
                     f"`import wijkkompas.cli`: {floor:.2f} s"))  # fmt: skip
    for path in rivm:
        seconds = wijkkompas(store, "import", str(path))
        read_only = python(
            "import python_calamine as c; "
            f"c.CalamineWorkbook.from_path({str(path)!r}).get_sheet_by_index(0).to_python()"
        )
        print(f"import {path.name}: {seconds:.2f} s (calamine read only: {read_only:.2f} s)")
        rows.append((f"import {path.name} (real)", seconds, IMPORT_BUDGET,
                     f"calamine reads the sheet: {read_only:.2f} s"))  # fmt: skip
    plain_read = python(
        f"import duckdb; duckdb.connect({str(store)!r}, read_only=True)"
        ".execute('SELECT * FROM observations').df()"
    )
    for when in ("first after the imports", "again (kept panel)"):
        seconds = wijkkompas(store, "index", "--level", "buurt", "--format", "csv")
        rows.append((f"index --level buurt --format csv, real KWB 2024 + {len(rivm)} RIVM, {when}",
                     seconds, INDEX_BUDGET, f"DuckDB observations → pandas `.df()`: {plain_read:.2f} s"))  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=17_850, help="regions per file")
    parser.add_argument("--years", type=int, default=12, help="files (years) to import")
    parser.add_argument("--no-real", action="store_true", help="skip the real files")
    args = parser.parse_args(argv)
    missed: list[str] = []
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = folder / "nl.duckdb"
        files = []
        clock = time.perf_counter()
        for year in range(FIRST_YEAR, FIRST_YEAR + args.years):
            path = folder / f"kwb-{year}.xlsx"
            write_kwb_xlsx(path, args.rows, seed=year, regions_seed=FIRST_YEAR)
            files.append(path)
        print(
            f"generated {len(files)} files × {args.rows} rows in {time.perf_counter() - clock:.0f} s"
        )
        floor = python("import wijkkompas.cli")
        imports = []
        for path in files:
            seconds = wijkkompas(store, "import", str(path))
            read_only = python(
                "import python_calamine as c; "
                f"c.CalamineWorkbook.from_path({str(path)!r}).get_sheet_by_index(0).to_python()"
            )
            imports.append((path.name, seconds, read_only))
            print(f"import {path.name}: {seconds:.2f} s (calamine read only: {read_only:.2f} s)")
        index = wijkkompas(store, "index", "--level", "buurt", "--format", "csv")
        index_again = wijkkompas(store, "index", "--level", "buurt", "--format", "csv")
        plain_read = python(
            f"import duckdb; duckdb.connect({str(store)!r}, read_only=True)"
            ".execute('SELECT * FROM observations').df()"
        )
        code = "BU" + "0001" + "00" + "00"
        explain = wijkkompas(store, "explain", code)
        report = wijkkompas(store, "report", code, "--out", str(folder / "report.pdf"))
        helped = run(sys.executable, "-m", "wijkkompas", "--help")
        steps = index_steps(store)
        real = [] if args.no_real else real_rows(folder)
    slowest = max(imports, key=lambda row: row[1])
    rows = [
        ("import kwb-YYYY.xlsx, slowest of " + str(len(imports)), slowest[1], IMPORT_BUDGET,
         f"calamine reads the sheet: {slowest[2]:.2f} s"),
        (f"index --level buurt --format csv, {len(imports)} years, first after the imports",
         index, INDEX_BUDGET, f"DuckDB observations → pandas `.df()`: {plain_read:.2f} s"),
        (f"index --level buurt --format csv, {len(imports)} years, again (kept panel)",
         index_again, INDEX_BUDGET, f"DuckDB observations → pandas `.df()`: {plain_read:.2f} s"),
        (f"explain {code}", explain, None, f"`import wijkkompas.cli`: {floor:.2f} s"),
        (f"report {code}", report, None, f"`import wijkkompas.cli`: {floor:.2f} s"),
        ("--help", helped, None, f"`import wijkkompas.cli`: {floor:.2f} s"),
        *real,
    ]  # fmt: skip
    print("\n| command | seconds | budget | baseline in the same run |\n|---|---:|---:|---|")
    for name, seconds, budget, baseline in rows:
        over = budget is not None and seconds > budget
        if over:
            missed.append(f"{name}: {seconds:.2f} s > {budget:.0f} s")
        shown = "–" if budget is None else f"≤ {budget:.0f} s" + (": **missed**" if over else "")
        print(f"| `{name}` | {seconds:.2f} | {shown} | {baseline} |")
    total = sum(v for k, v in steps.items() if "not summed" not in k)
    print("\n| step of `index` (in process) | seconds | share |\n|---|---:|---:|")
    for name, seconds in steps.items():
        share = "–" if "not summed" in name else f"{seconds / total:.0%}"
        print(f"| {name} | {seconds:.2f} | {share} |")
    print("\nimports: " + ", ".join(f"{name} {s:.2f} s" for name, s, _r in imports))
    for line in missed:
        print(f"OVER BUDGET: {line}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
