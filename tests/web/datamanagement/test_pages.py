"""The analyst's data page (issue 15, item 1): who may use it, uploads as untrusted input,
imports and index runs through the command line's own functions, a mapping of unmatched
columns, one write job per store, and the validation page.

Jobs run in a background thread on the real site; here ``jobs._launch`` runs them inline, so
each test sees the finished job right after its request (the browser test runs them in
threads).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopFutureHandlers, StopUpload
from django.test import Client

from wijkkompas.services import validation
from wijkkompas.store import AnalyticStore
from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts import services as accounts
from wijkkompas.web.apps.datamanagement.models import Job
from wijkkompas.web.apps.datamanagement.services import jobs, uploads

pytestmark = pytest.mark.django_db

KWB_2023 = (
    b"gwb_code;regio;gm_naam;recs;a_inw;bev_dich;Onbekend_getal\n"
    b"GM9997;Testdorp;Testdorp;Gemeente;1000;500;30\n"
    b"WK999700;Centrum;Testdorp;Wijk;1000;500;30\n"
    b"BU99970000;Kern;Testdorp;Buurt;600;700;20\n"
    b"BU99970001;Rand;Testdorp;Buurt;400;300;10\n"
)
"""A tiny KWB table of a gemeente of its own, with one column no catalogue name matches."""

ROLES = {
    "bewoner": (roles.RESIDENT, "BU99990101"),
    "coordinator": (roles.COORDINATOR, "GM9999"),
    "analist": (roles.ANALYST, ""),
    "beheerder": (roles.ADMIN, ""),
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(settings, tmp_path: Path, demo_store: Path) -> Path:
    """A copy of the demo store for the site to write to, and an upload folder of its own."""
    path = tmp_path / "store" / "wijkkompas.duckdb"
    path.parent.mkdir()
    path.write_bytes(demo_store.read_bytes())
    settings.WIJKKOMPAS_STORE = path
    settings.WIJKKOMPAS_UPLOAD_DIR = tmp_path / "uploads"
    return path


@pytest.fixture
def inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_launch", lambda work: work())
    # Fewer rank and bootstrap draws: the same path in seconds rather than a minute.
    monkeypatch.setattr(jobs, "INDEX_DRAWS", 10)
    monkeypatch.setattr(
        validation, "spearman_interval", functools.partial(validation.spearman_interval, draws=20)
    )


@pytest.fixture
def people() -> dict[str, Any]:
    users = {}
    for username, (role, area) in ROLES.items():
        person = accounts.create_person(username=username, password=None)
        accounts.grant_role(user=person.user, role=role, area_code=area)
        users[username] = person.user
    return users


@pytest.fixture
def analyst(people: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(people["analist"])
    return client


def upload_dir_contents(settings) -> list[Path]:
    root = Path(settings.WIJKKOMPAS_UPLOAD_DIR)
    return sorted(root.rglob("*")) if root.exists() else []


def post_files(client: Client, *files: tuple[str, bytes], **fields: Any) -> Any:
    data = {"files": [SimpleUploadedFile(name, content) for name, content in files], **fields}
    return client.post("/beheer/gegevens/importeren/", data)


def job_of(response: Any) -> Job:
    assert response.status_code == 302, response.content[:600]
    job_id = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    return Job.objects.get(pk=job_id)


# --- who may -------------------------------------------------------------------------------


@pytest.fixture
def some_job(store: Path) -> Job:
    return Job.objects.create(
        kind=Job.Kind.IMPORT,
        state=Job.State.DONE,
        store=jobs.store_key(AnalyticStore(store)),
        started_by="p-test",
        result={"reports": []},
    )


def _requests(job: Job) -> list[tuple[str, str]]:
    return [
        ("get", "/beheer/gegevens/"),
        ("post", "/beheer/gegevens/importeren/"),
        ("post", "/beheer/gegevens/index/"),
        ("get", "/beheer/gegevens/validatie/"),
        ("get", f"/beheer/gegevens/taken/{job.pk}/"),
        ("get", f"/beheer/gegevens/taken/{job.pk}/status/"),
        ("post", f"/beheer/gegevens/taken/{job.pk}/koppeling/"),
    ]


def test_every_page_is_for_analysts_and_beheerders_only(
    store: Path, people: dict[str, Any], some_job: Job, inline: None
) -> None:
    before = digest(store)
    for method, url in _requests(some_job):
        anonymous = getattr(Client(), method)(url)
        assert anonymous.status_code == 302, url
        assert anonymous["Location"].startswith("/account/inloggen/"), url
        for refused in ("bewoner", "coordinator"):
            client = Client()
            client.force_login(people[refused])
            assert getattr(client, method)(url).status_code == 403, (refused, url)
    assert digest(store) == before, "a refused request changed the store"
    for allowed in ("analist", "beheerder"):
        client = Client()
        client.force_login(people[allowed])
        for method, url in _requests(some_job):
            response = getattr(client, method)(url)
            assert response.status_code not in (403, 404, 405), (allowed, url)
            assert "/account/inloggen/" not in response.get("Location", ""), (allowed, url)
            if method == "get":
                assert response.status_code == 200, (allowed, url)


def test_every_form_needs_its_csrf_token(
    settings, store: Path, people: dict[str, Any], some_job: Job
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["analist"])
    before = Job.objects.count()
    for method, url in _requests(some_job):
        if method == "post":
            assert client.post(url, {}).status_code == 403, url
    response = client.post(
        "/beheer/gegevens/importeren/", {"files": [SimpleUploadedFile("kwb_2023.csv", KWB_2023)]}
    )
    assert response.status_code == 403
    assert Job.objects.count() == before
    assert upload_dir_contents(settings) == [], "a refused upload's file was kept"


def test_the_data_link_is_in_the_navigation_for_analysts_only(
    store: Path, people: dict[str, Any]
) -> None:
    for username, shown in (("analist", True), ("beheerder", True), ("coordinator", False)):
        client = Client()
        client.force_login(people[username])
        page = client.get("/kaart/").content.decode()
        assert ('href="/beheer/gegevens/"' in page) is shown, username
    assert 'href="/beheer/gegevens/"' not in Client().get("/kaart/").content.decode()


# --- uploads are untrusted -------------------------------------------------------------------


def _hostile_workbook() -> bytes:
    """A 1.4 KB workbook with a cell at XFD1048576 (see tests/sources/hostile_workbooks.py)."""
    path = Path(__file__).resolve().parents[2] / "sources" / "hostile_workbooks.py"
    spec = importlib.util.spec_from_file_location("hostile_workbooks_for_web", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return bytes(module.workbook(module.sheet_xml(module.KWB_HEADER + module.KWB_ROW + far)))


MALFORMED: dict[str, tuple[str, Callable[[], bytes], dict[str, str]]] = {
    "not a table": ("kwb_2023.csv", lambda: b"dit is geen tabel\x00\x01\x02\n", {}),
    "a spreadsheet bomb": ("kwb-2023.xlsx", _hostile_workbook, {"source": "kwb", "year": "2023"}),
    "a broken geojson": (
        "buurten.geojson",
        lambda: b'{"type": "FeatureCollection", "features": [{"type": ',
        {},
    ),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_upload_gives_a_dutch_error_and_leaves_the_store_byte_identical(
    settings, store: Path, analyst: Client, inline: None, case: str
) -> None:
    name, content, fields = MALFORMED[case]
    before = digest(store)
    job = job_of(post_files(analyst, (name, content()), **fields))
    assert job.state == Job.State.FAILED and job.failure == "import"
    page = analyst.get(f"/beheer/gegevens/taken/{job.pk}/").content.decode()
    assert "Mislukt: de bestanden konden niet worden geïmporteerd." in page
    assert "Er is niets veranderd aan de gegevens." in page
    assert name in page  # the importer's own words name the file
    assert "Traceback" not in page
    assert digest(store) == before
    assert upload_dir_contents(settings) == [], "the uploaded file was not deleted"


def test_an_oversized_upload_is_refused_before_it_is_written(
    settings, store: Path, analyst: Client, inline: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.http.multipartparser import MultiPartParser

    def must_not_parse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the upload's body was read")

    monkeypatch.setattr(MultiPartParser, "parse", must_not_parse)
    settings.WIJKKOMPAS_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    before = digest(store)
    response = post_files(analyst, ("kwb_2023.csv", KWB_2023 + b"x" * (3 * 1024 * 1024)))
    assert response.status_code == 413
    assert "groter dan 2 MB en zijn niet ontvangen" in response.content.decode()
    assert upload_dir_contents(settings) == []
    assert Job.objects.count() == 0
    assert digest(store) == before


def test_the_upload_handler_stops_at_the_limit_when_the_length_is_not_said(tmp_path: Path) -> None:
    handler = uploads.PrivateUploadHandler(None, tmp_path, limit=100)
    with pytest.raises(StopFutureHandlers):  # the one handler: no other sees the file
        handler.new_file("files", "a.csv", "text/csv", None)
    handler.receive_data_chunk(b"x" * 60, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert handler.exceeded


def test_uploads_are_kept_privately_under_generated_names(
    settings, store: Path, analyst: Client, inline: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the importer is given: a path in a 0700 folder, named 32 hex digits, mode 0600; the
    browser's name (here an attempt to climb out of the folder) is only a cleaned label."""
    from wijkkompas.sources import importer

    seen: dict[str, Any] = {}
    real = importer.import_files

    def spy(store_: Any, paths: list[Path], *args: Any, **kwargs: Any) -> Any:
        seen["paths"], seen["names"] = list(paths), kwargs["names"]
        seen["modes"] = [stat.S_IMODE(p.stat().st_mode) for p in paths]
        seen["folder"] = stat.S_IMODE(paths[0].parent.stat().st_mode)
        return real(store_, paths, *args, **kwargs)

    monkeypatch.setattr(importer, "import_files", spy)
    job = job_of(post_files(analyst, ("../../kwb_2023.csv", KWB_2023)))
    assert job.state == Job.State.DONE, job.detail
    (path,) = seen["paths"]
    assert len(path.name) == 32 and int(path.name, 16) >= 0
    assert path.parent.parent == Path(settings.WIJKKOMPAS_UPLOAD_DIR)
    assert seen["modes"] == [0o600] and seen["folder"] == 0o700
    assert seen["names"] == ["kwb_2023.csv"]
    assert job.reports[0]["years"] == [2023], "the year in the file's own name was not used"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..", "bestand"),
        ("C:\\Users\\x\\kwb 2023.csv", "kwb 2023.csv"),
        ("a\x00b;rm -rf.csv", "a_b_rm -rf.csv"),
        (".verborgen.geojson", "verborgen.geojson"),
        ("x" * 300 + ".xlsx", "x" * 115 + ".xlsx"),
    ],
)
def test_a_file_name_from_the_browser_becomes_a_harmless_label(raw: str, clean: str) -> None:
    assert uploads.clean_name(raw) == clean


# --- import, summary, mapping -------------------------------------------------------------------


def test_an_import_shows_its_summary_and_a_mapping_reimport_matches_the_mapped_column(
    settings, store: Path, analyst: Client, inline: None
) -> None:
    first = job_of(post_files(analyst, ("kwb_2023.csv", KWB_2023)))
    assert first.state == Job.State.DONE, first.detail
    (report,) = first.reports
    assert report["unmatched_columns"] == ["Onbekend_getal"]
    assert "owner_occupied_share" not in report["indicators"]
    page = analyst.get(f"/beheer/gegevens/taken/{first.pk}/").content.decode()
    for text in ("Samenvatting per bestand", "Aantal inwoners", "Onbekend_getal", "2023"):
        assert text in page, text
    assert "Opnieuw importeren met deze koppeling" in page
    assert first.files_kept, "the files of an import with unmatched columns were not kept"

    refused = analyst.post(
        f"/beheer/gegevens/taken/{first.pk}/koppeling/",
        {"indicator_0": "owner_occupied_share", "unit_0": "m"},
    )
    assert refused.status_code == 400
    assert "niet om te rekenen" in refused.content.decode()

    response = analyst.post(
        f"/beheer/gegevens/taken/{first.pk}/koppeling/", {"indicator_0": "owner_occupied_share"}
    )
    second = job_of(response)
    assert second.state == Job.State.DONE, second.detail
    assert second.parent_id == first.pk
    assert second.options["mapping"] == {"Onbekend_getal": "owner_occupied_share"}
    (report,) = second.reports
    assert "owner_occupied_share" in report["indicators"]
    assert report["unmatched_columns"] == []
    with AnalyticStore(store).reader() as reader:
        figures = reader.observations(
            indicator_ids=["owner_occupied_share"], region_codes=["BU99970000"]
        )
    assert figures["source_column"].tolist() == ["Onbekend_getal"]
    assert figures["value"].tolist() == [20.0]
    assert upload_dir_contents(settings) == [], "the files were kept after every column matched"
    first.refresh_from_db()
    assert not first.files_kept


def test_a_mapping_file_uploaded_with_the_files_is_used(
    store: Path, analyst: Client, inline: None
) -> None:
    mapping = b"column,indicator\nOnbekend_getal,owner_occupied_share\n"
    response = analyst.post(
        "/beheer/gegevens/importeren/",
        {
            "files": [SimpleUploadedFile("kwb_2023.csv", KWB_2023)],
            "mapping": SimpleUploadedFile("koppeling.csv", mapping),
        },
    )
    job = job_of(response)
    assert job.state == Job.State.DONE, job.detail
    assert "owner_occupied_share" in job.reports[0]["indicators"]

    broken = analyst.post(
        "/beheer/gegevens/importeren/",
        {
            "files": [SimpleUploadedFile("kwb_2023.csv", KWB_2023)],
            "mapping": SimpleUploadedFile("koppeling.csv", b"kolom;naam\na;b\n"),
        },
    )
    assert broken.status_code == 400
    assert "kopregel column,indicator" in broken.content.decode()


def test_the_data_page_lists_what_the_store_holds(
    store: Path, analyst: Client, inline: None
) -> None:
    job_of(post_files(analyst, ("kwb_2023.csv", KWB_2023)))
    page = analyst.get("/beheer/gegevens/").content.decode()
    assert "Imports in de gegevens" in page
    assert "kwb_2023.csv" in page and "Testdorp (GM9997)" in page
    assert "Import " in page and "Klaar" in page


# --- one job at a time, index runs, validation --------------------------------------------------


def test_a_second_write_job_is_refused_while_one_runs(
    settings, store: Path, analyst: Client, inline: None
) -> None:
    lock = jobs.JobLock(AnalyticStore(store))
    try:
        busy = analyst.post("/beheer/gegevens/index/")
        assert busy.status_code == 409
        assert "Er loopt al een import of indexberekening" in busy.content.decode()
        upload = post_files(analyst, ("kwb_2023.csv", KWB_2023))
        assert upload.status_code == 409
    finally:
        lock.release()
    assert Job.objects.count() == 0
    assert upload_dir_contents(settings) == []


def test_a_job_whose_server_stopped_is_shown_as_interrupted_and_blocks_nothing(
    store: Path, analyst: Client, inline: None
) -> None:
    stale = Job.objects.create(
        kind=Job.Kind.INDEX,
        state=Job.State.RUNNING,
        store=jobs.store_key(AnalyticStore(store)),
        started_by="p-test",
    )
    status = analyst.get(f"/beheer/gegevens/taken/{stale.pk}/status/").json()
    assert status["active"] is False and status["state"] == "failed"
    assert "onderbroken" in status["text"]
    assert job_of(analyst.post("/beheer/gegevens/index/")).state == Job.State.DONE


def test_an_index_run_is_saved_and_validated(store: Path, analyst: Client, inline: None) -> None:
    with AnalyticStore(store).reader() as reader:
        runs_before = len(reader.index_runs())
    job = job_of(analyst.post("/beheer/gegevens/index/"))
    assert job.state == Job.State.DONE, job.detail
    with AnalyticStore(store).reader() as reader:
        runs = reader.index_runs()
    assert len(runs) == runs_before + 1
    assert runs["run_id"].iloc[-1] == job.result["run_id"]
    assert job.result["with_total"]["buurt"] > 0
    validation = job.result["validation"]
    assert validation["leefbaarometer"]["available"], validation
    page = analyst.get(f"/beheer/gegevens/taken/{job.pk}/").content.decode()
    assert "Kaart van" in page and "?gemeente=GM9999" in page
    page = analyst.get("/beheer/gegevens/validatie/").content.decode()
    assert "Rangcorrelatie met Leefbaarometer" in page
    assert "Leefbaarheid (totaal)" in page


def test_the_validation_page_says_why_nothing_can_be_compared(
    settings, tmp_path: Path, analyst: Client, inline: None
) -> None:
    settings.WIJKKOMPAS_STORE = tmp_path / "leeg.duckdb"
    settings.WIJKKOMPAS_UPLOAD_DIR = tmp_path / "uploads"
    page = analyst.get("/beheer/gegevens/validatie/").content.decode()
    assert "de gegevens bevatten geen Leefbaarometer-scores" in page
    assert "de gegevens bevatten geen SES-WOA-scores" in page
    job = job_of(post_files(analyst, ("kwb_2023.csv", KWB_2023)))
    assert job.state == Job.State.DONE, job.detail
    index = job_of(analyst.post("/beheer/gegevens/index/"))
    assert index.state == Job.State.DONE, index.detail
    assert index.result["validation"]["leefbaarometer"] == {
        "available": False,
        "reason": "no_figures",
    }


def test_an_index_run_on_an_empty_store_is_refused_in_dutch(
    settings, tmp_path: Path, analyst: Client
) -> None:
    settings.WIJKKOMPAS_STORE = tmp_path / "leeg.duckdb"
    settings.WIJKKOMPAS_UPLOAD_DIR = tmp_path / "uploads"
    response = analyst.post("/beheer/gegevens/index/")
    assert response.status_code == 409
    assert "Er zijn nog geen gegevens om te berekenen" in response.content.decode()
    page = analyst.get("/beheer/gegevens/")
    assert page.status_code == 200
    assert "Er zijn nog geen gegevens" in page.content.decode()


@pytest.fixture
def english(analyst: Client) -> Iterator[Client]:
    analyst.cookies["django_language"] = "en"
    yield analyst


def test_the_pages_read_in_english(store: Path, english: Client, inline: None) -> None:
    job = job_of(post_files(english, ("kwb_2023.csv", b"niets\n")))
    page = english.get(f"/beheer/gegevens/taken/{job.pk}/").content.decode()
    assert "Failed: the files could not be imported." in page
    assert "Nothing in the data was changed." in page
    assert "Import files" in english.get("/beheer/gegevens/").content.decode()


def test_a_job_waits_while_sqlite_says_its_table_is_locked() -> None:
    """Page requests read the jobs table while a job writes its status from its own thread; in
    SQLite's shared-cache mode a conflicting lock fails at once ("database table is locked").
    The job's write is tried again rather than failing the job; any other error is raised."""
    from django.db import OperationalError

    calls: list[int] = []

    def write() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database table is locked: datamanagement_job")
        return "written"

    assert jobs._retry_while_locked(write) == "written"
    assert len(calls) == 3

    def broken() -> None:
        raise OperationalError("no such table: datamanagement_job")

    with pytest.raises(OperationalError, match="no such table"):
        jobs._retry_while_locked(broken)
