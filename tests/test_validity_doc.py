"""docs/validity.md and the shipped reference are what the real data say, and stay so.

* The coverage matrix names, per gemeente-year and score, the sources that feed it; wherever it
  names one, at least 90 % of the residential buurten (200 or more inhabitants, not mainly
  non-residential) have that score.
* ``scripts/validity.py --check`` regenerates the document from ``../shared/data`` and fails
  when the committed one differs (a change to the catalogue, the reference or the engine that
  was not followed by a new document).
* ``scripts/fit_default_reference.py --check`` refits the reference shipped with the catalogue
  and fails when it would change.

The real-data checks skip without ``../shared/data``; the coverage computation itself is
checked on the fictional demo store, which always exists.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from wijkkompas.index.spec import GROUPS
from wijkkompas.services.scoring import run_index
from wijkkompas.services.validation import agreement_with_leefbaarometer, coverage
from wijkkompas.store import AnalyticStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DOC = ROOT / "docs" / "validity.md"
CELL = re.compile(r"^(?P<sources>.+) \((?P<share>\d+)%\)$")


def test_coverage_names_the_sources_of_every_score_on_the_demo(demo_store: Path) -> None:
    store = AnalyticStore(demo_store)
    run = run_index(store, gemeente="GM9999", draws=0, save=False)
    found = {c.group: c for c in coverage(run, store, 2022)}
    assert set(found) == {*GROUPS, "total"}
    for group in ("housing", "socioeconomic_security", "social_cohesion", "total"):
        item = found[group]
        assert item.share == pytest.approx(1.0), group
        assert all(label.startswith("Demo ") for label in item.sources), item.sources
        assert item.buurten > 50
    # a rate wijkkompas derives names what it was derived from
    assert "Demo 2021" in found["social_inclusion"].sources
    with pytest.raises(Exception, match="no year 1990"):
        coverage(run, store, 1990)


def test_agreement_is_given_over_all_regions_and_over_the_residential_ones(
    demo_store: Path,
) -> None:
    """The residential set is the flag rule's, not a choice made after seeing ρ."""
    store = AnalyticStore(demo_store)
    run = run_index(store, gemeente="GM9999", draws=0, save=False)
    found = [a for a in agreement_with_leefbaarometer(run, store) if a.score == "total"]
    table = run.table
    for a in (a for a in found if a.level == "buurt"):
        rows = table[(table["level"] == "buurt") & (table["year"] == a.our_year)]
        rows = rows[rows["total"].notna()]
        if a.regions == "all":
            assert a.n <= len(rows)
        else:
            assert a.regions == "residential"
            twin = next(
                b for b in found if (b.level, b.our_year, b.regions) == ("buurt", a.our_year, "all")
            )
            flagged = rows["non_residential"].astype(bool) | (rows["population"] < 200)
            assert a.n == twin.n - int(flagged.sum())
    assert {a.regions for a in found} == {"all", "residential"}


def coverage_cells() -> list[tuple[str, str, str]]:
    """(gemeente-year, score, cell) of the committed coverage matrix."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Gemeente-jaar"))
    header = [c.strip() for c in lines[start].strip("|").split("|")]
    cells = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        values = [c.strip() for c in line.strip("|").split("|")]
        cells += [(values[0], header[j], values[j]) for j in range(1, len(values))]
    return cells


def test_every_named_source_covers_nine_in_ten_buurten() -> None:
    cells = coverage_cells()
    assert len(cells) == 12 * 9  # twelve gemeente-years, eight groups and the total
    named = 0
    for row, score, cell in cells:
        if cell == "geen":
            continue
        found = CELL.match(cell)
        assert found, (row, score, cell)
        assert int(found["share"]) >= 90, (row, score, cell)
        named += 1
    assert named > 80
    rows = {row.split(" (")[0] for row, _, _ in cells}
    for expected in ("Amsterdam 2017", "Amsterdam 2019", "Utrecht 2023", "Utrecht 2024",
                     "Rotterdam 2017", "Heerlen 2016", "Heerlen 2020", "Baarn 2024"):  # fmt: skip
        assert expected in rows


def run_script(name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), "--check"],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is absent: nothing to check with")
def test_the_validity_document_is_up_to_date() -> None:
    result = run_script("validity.py")
    assert result.returncode == 0, result.stderr


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is absent: nothing to check with")
def test_the_shipped_reference_is_a_fresh_fit() -> None:
    result = run_script("fit_default_reference.py")
    assert result.returncode == 0, result.stderr
