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
checked on the fictional demo store, which always exists, and both scripts' ``--check`` on
made-up gemeenten written in the layouts of the real files (``twin_cities``).
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from twin_cities import (
    AMSTERDAM,
    UNPUBLISHED_2023,
    UTRECHT,
    crime_csv,
    kwb_r_csv,
    kwb_xlsx,
    leefbaarometer_csv,
    nabijheid_csv,
    rivm_xlsx,
    ses_woa_csv,
    write,
)
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


def coverage_cells(doc: Path = DOC) -> list[tuple[str, str, str]]:
    """(gemeente-year, score, cell) of the coverage matrix in ``doc`` (the committed one)."""
    lines = doc.read_text(encoding="utf-8").splitlines()
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


@pytest.mark.realdata(twin="test_the_validity_check_regenerates_the_document_from_the_files")
@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is absent: nothing to check with")
def test_the_validity_document_is_up_to_date() -> None:
    result = run_script("validity.py")
    assert result.returncode == 0, result.stderr


@pytest.mark.realdata(twin="test_the_reference_check_compares_with_a_fresh_fit_on_the_files")
@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is absent: nothing to check with")
def test_the_shipped_reference_is_a_fresh_fit() -> None:
    result = run_script("fit_default_reference.py")
    assert result.returncode == 0, result.stderr


# --- the twins: both scripts on made-up gemeenten in the real layouts -------------------------

LAYOUT_FILES = {
    "kwb/amsterdam/Kerncijfers_wijken_en_buurten_2017.csv": lambda: kwb_r_csv(AMSTERDAM, 2017),
    "kwb/amsterdam/Kerncijfers_wijken_en_buurten_2019.csv": lambda: kwb_r_csv(AMSTERDAM, 2019),
    "kwb/utrecht/CBS-Utrecht-kwb-2023.xlsx": lambda: kwb_xlsx(UTRECHT, 2023, UNPUBLISHED_2023),
    "nabijheid/CBS-Utrecht_Nabijheid_voorzieningen__buurt_2023_14102024_164034.csv":
        lambda: nabijheid_csv(UTRECHT),
    "rivm/RIVM_gezondheid2020_18+.xlsx": lambda: rivm_xlsx([AMSTERDAM, UTRECHT], 2020),
    "crime/nederland/PolRegCrime47018_2023.csv": lambda: crime_csv([AMSTERDAM, UTRECHT]),
}  # fmt: skip
"""The fit's files under their real paths in ``../shared/data``, for the made-up Amsterdam
(GM0363) and Utrecht (GM0344): the scripts name both gemeenten by code."""
VALIDATION_FILES = {
    "ses_woa/SES_WOA_scores_per_wijk_en_buurt_25042023_160857.csv": lambda: ses_woa_csv(
        [AMSTERDAM]
    ),
    "leefbaarometer/utrecht_gemeente/utrecht_GM0344_leefbaarometer3_buurten_2002-2024.csv": (
        lambda: leefbaarometer_csv(UTRECHT)
    ),
}
MATRIX = [("Amsterdam", "GM0363", 2017), ("Amsterdam", "GM0363", 2019), ("Utrecht", "GM0344", 2023)]


def script(name: str) -> ModuleType:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(ROOT / "scripts"))


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A ``shared/data`` of made-up files in the real layouts, which the scripts read."""
    folder = tmp_path / "data"
    for name, contents in {**LAYOUT_FILES, **VALIDATION_FILES}.items():
        write(folder, name, contents())
    fit = script("fit_default_reference")
    monkeypatch.setattr(fit, "SHARED", folder)
    yield folder


def run_main(module: ModuleType, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", [f"{module.__name__}.py", *args])
    return int(module.main())


def test_the_validity_check_regenerates_the_document_from_the_files(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scripts/validity.py`` writes the document from the files; ``--check`` renders it again
    and passes (the line naming commit and date aside), and fails once a figure in it is no
    longer what the files say."""
    validity = script("validity")
    doc = tmp_path / "validity.md"
    monkeypatch.setattr(validity, "IMPORTS", [([n], {}) for n in LAYOUT_FILES])
    monkeypatch.setattr(validity, "EXTRA_IMPORTS", [([n], {}) for n in VALIDATION_FILES])
    monkeypatch.setattr(validity, "MATRIX", MATRIX)
    monkeypatch.setattr(validity, "DOC", doc)
    assert run_main(validity, monkeypatch) == 0
    text = doc.read_text(encoding="utf-8")
    cells = coverage_cells(doc)
    assert len(cells) == 3 * 9
    assert {row for row, _, _ in cells} == {
        "Amsterdam 2017 (12 buurten)", "Amsterdam 2019 (12 buurten)", "Utrecht 2023 (11 buurten)"
    }  # fmt: skip
    for row, score, cell in cells:
        found = CELL.match(cell)
        assert cell == "geen" or (found and int(found["share"]) >= 90), (row, score, cell)
    assert "| buurt | alle | 2023 | 2022 | total | lbm_score | 11 |" in text  # Leefbaarometer
    assert "| buurt | woongebieden | 2019 | 12 |" in text  # SES-WOA
    generated = next(line for line in text.splitlines() if line.startswith(validity.GENERATED))
    doc.write_text(
        text.replace(generated, f"{validity.GENERATED}code 0, 1999-01-01 -->"), encoding="utf-8"
    )
    assert run_main(validity, monkeypatch, "--check") == 0  # a fresh rendering of the files
    assert "is up to date" in capsys.readouterr().err
    # a figure that is no longer what the files say (the same rendering, not a third one)
    monkeypatch.setattr(validity, "build_store", lambda folder: None)
    monkeypatch.setattr(validity, "render", lambda store: text)
    doc.write_text(text.replace("(12 buurten)", "(13 buurten)", 1), encoding="utf-8")
    assert run_main(validity, monkeypatch, "--check") == 1
    assert "is out of date" in capsys.readouterr().err


def test_the_reference_check_compares_with_a_fresh_fit_on_the_files(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scripts/fit_default_reference.py`` fits and writes the reference, ``--check`` passes
    on a fresh fit of the same files and fails once a file says something else."""
    fit = script("fit_default_reference")
    build_store = fit.build_store
    imports: list[tuple[list[str], dict[str, object]]] = [([n], {}) for n in LAYOUT_FILES]
    monkeypatch.setattr(fit, "build_store", lambda folder: build_store(folder, imports))
    monkeypatch.setattr(fit, "target", lambda: tmp_path / "references" / "nl-test.json")
    assert run_main(fit, monkeypatch) == 0
    assert "(35 buurt-years)" in capsys.readouterr().out
    assert run_main(fit, monkeypatch, "--check") == 0
    assert "matches a fresh fit" in capsys.readouterr().err
    richer = dataclasses.replace(
        AMSTERDAM, buurten=tuple(dataclasses.replace(b, wealth=0.9) for b in AMSTERDAM.buurten)
    )
    write(data, "kwb/amsterdam/Kerncijfers_wijken_en_buurten_2019.csv", kwb_r_csv(richer, 2019))
    assert run_main(fit, monkeypatch, "--check") == 1
    assert "is out of date" in capsys.readouterr().err
