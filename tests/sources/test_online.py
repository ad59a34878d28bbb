"""The StatLine adapter: paging, caching, the offline message, and `wijkkompas fetch cbs`.

These tests never touch the network (the build machines have no internet). Every response is
HAND-BUILT in the documented CBS OData v3 layout (``odata.metadata`` + ``value``, with
``odata.nextLink`` on a page that continues) and served by ``httpx.MockTransport``; the figures
in them are made up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
import typer
from typer.testing import CliRunner

from wijkkompas.cli import fetch as cli_fetch
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources.online import (
    KWB_TABLES,
    StatLineClient,
    StatLineError,
    StatLineUnreachable,
    codering_key,
    fetch_kwb,
    parse_years,
)
from wijkkompas.store import AnalyticStore

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
REAL_DATA_PROPERTIES = SHARED / "kwb" / "metadata" / "85984NED" / "DataProperties.json"
API = "https://opendata.cbs.nl/ODataApi/odata"


# -- hand-built OData v3 responses ----------------------------------------------------------------


def data_properties(table: str, code_key: str) -> dict:
    """Hand-built DataProperties: the region dimension, the Codering topic, one figure."""
    return {
        "odata.metadata": f"{API}/{table}/$metadata#Cbs.OData.WebAPI.DataProperties",
        "value": [
            {
                "odata.type": "Cbs.OData.GeoDetail",
                "ID": 0,
                "Position": 0,
                "ParentID": None,
                "Type": "GeoDetail",
                "Key": "WijkenEnBuurten",
                "Title": "Wijken en buurten",
            },
            {
                "odata.type": "Cbs.OData.TopicGroup",
                "ID": 1,
                "ParentID": None,
                "Type": "TopicGroup",
                "Key": "",
                "Title": "Regioaanduiding",
            },
            {
                "odata.type": "Cbs.OData.Topic",
                "ID": 2,
                "ParentID": 1,
                "Type": "Topic",
                "Key": "Gemeentenaam_1",
                "Title": "Gemeentenaam",
                "Datatype": "String",
            },
            {
                "odata.type": "Cbs.OData.Topic",
                "ID": 3,
                "ParentID": 1,
                "Type": "Topic",
                "Key": "SoortRegio_2",
                "Title": "Soort regio",
                "Datatype": "String",
            },
            {
                "odata.type": "Cbs.OData.Topic",
                "ID": 4,
                "ParentID": 1,
                "Type": "Topic",
                "Key": code_key,
                "Title": "Codering",
                "Datatype": "String",
                "Unit": "code",
            },
            {
                "odata.type": "Cbs.OData.TopicGroup",
                "ID": 5,
                "ParentID": None,
                "Type": "TopicGroup",
                "Key": "",
                "Title": "Bevolking",
            },
            {
                "odata.type": "Cbs.OData.Topic",
                "ID": 6,
                "ParentID": 5,
                "Type": "Topic",
                "Key": "AantalInwoners_5",
                "Title": "Aantal inwoners",
                "Datatype": "Long",
                "Unit": "aantal",
            },
        ],
    }


def record(i: int, code: str, kind: str, name: str, people: int | None, code_key: str) -> dict:
    """A hand-built TypedDataSet row, padded the way CBS pads keys and names."""
    return {
        "ID": i,
        "WijkenEnBuurten": f"{code:<10}",
        "Gemeentenaam_1": f"{'Utrecht':<40}",
        "SoortRegio_2": f"{kind:<10}",
        code_key: f"{code:<10}",
        "AantalInwoners_5": people,
    }


class FakeStatLine:
    """A MockTransport handler serving one table in two pages, counting requests."""

    def __init__(self, table: str = "85984NED", code_key: str = "Codering_3") -> None:
        self.table, self.code_key = table, code_key
        self.requests: list[httpx.Request] = []
        rows = [
            record(1, "GM0344", "Gemeente", "Utrecht", 361_742, code_key),
            record(2, "WK034401", "Wijk", "Wijk 01 West", 12_345, code_key),
            record(3, "BU03440101", "Buurt", "Oog in Al", 4_000, code_key),
            record(4, "BU03440102", "Buurt", "Schepenbuurt", None, code_key),  # unknown: null
        ]
        self.pages = [rows[:2], rows[2:]]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path, query = request.url.path, unquote(str(request.url.query, "ascii"))
        base = f"/ODataApi/odata/{self.table}"
        if path == f"{base}/DataProperties":
            return httpx.Response(200, json=data_properties(self.table, self.code_key))
        if path == f"{base}/TableInfos":
            return httpx.Response(
                200,
                json={
                    "value": [
                        {
                            "Identifier": self.table,
                            "Title": "Kerncijfers wijken en buurten 2024",
                            "Period": "2024",
                        }
                    ]
                },
            )
        if path == f"{base}/TypedDataSet":
            assert f"substringof('GM0344',{self.code_key})" in query
            page = 1 if "$skip=2" in query else 0
            body: dict = {
                "odata.metadata": f"{API}/{self.table}/$metadata#Cbs.OData.WebAPI.TypedDataSet",
                "value": self.pages[page],
            }
            if page == 0:
                body["odata.nextLink"] = (
                    f"https://opendata.cbs.nl{base}/TypedDataSet?{query}&$skip=2"
                )
            return httpx.Response(200, json=body)
        if path == "/ODataCatalog/Tables":
            identifier = query.split("Identifier eq '")[1][:8]
            title = {"85984NED": "Kerncijfers wijken en buurten 2024"}.get(identifier)
            return httpx.Response(
                200, json={"value": [{"Identifier": identifier, "Title": title}] if title else []}
            )
        return httpx.Response(404, json={"odata.error": {"message": {"value": "not found"}}})


def refuse_all(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request {request.url}")


def client(
    tmp_path: Path, handler: Callable[[httpx.Request], httpx.Response], **kw
) -> StatLineClient:
    return StatLineClient(tmp_path / "cache", transport=httpx.MockTransport(handler), **kw)


# -- years ----------------------------------------------------------------------------------------


def test_year_ranges() -> None:
    assert parse_years("2019-2024") == [2019, 2020, 2021, 2022, 2023, 2024]
    assert parse_years("2023") == [2023]
    assert parse_years(" 2019, 2021 ") == [2019, 2021]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2019-", "not a year or range"),
        ("twenty", "not a year or range"),
        ("2024-2019", "runs backwards"),
        ("2010-2018", r"no known Kerncijfers wijken en buurten table for \[2010"),
        ("", "empty"),
    ],
)
def test_bad_years_say_what_to_write(text: str, message: str) -> None:
    with pytest.raises(WijkkompasError, match=message):
        parse_years(text)


# -- the adapter ----------------------------------------------------------------------------------


def test_codering_key_follows_the_table_suffix() -> None:
    assert codering_key(json.dumps(data_properties("x", "Codering_4")).encode()) == "Codering_4"
    bare_list = json.dumps(data_properties("x", "Codering_3")["value"]).encode()
    assert codering_key(bare_list) == "Codering_3"
    with pytest.raises(StatLineError, match="no 'Codering' column"):
        codering_key(b'{"value": [{"Key": "AantalInwoners_5"}]}')


def test_codering_key_of_a_saved_dataproperties_file(tmp_path: Path) -> None:
    """DataProperties as saved from the API (a pretty-printed bare list, every field of each
    entry, UTF-8 descriptions): the key is found among the topic groups and other codes."""
    entries = data_properties("85984NED", "Codering_3")["value"]
    for entry in entries:
        entry.setdefault("Description", "Gemeentecode heeft 4 posities, voorafgegaan door ‘GM’.")
        entry.setdefault("Position", entry["ID"] if entry["Type"] != "TopicGroup" else None)
        if entry["Type"] == "Topic":
            entry.update(Decimals=0, Default="Impossible", PresentationType="")
    entries[0]["MapYear"] = 2024
    entries.insert(5, {
        "odata.type": "Cbs.OData.Topic", "ID": 9, "Position": 4, "ParentID": 1, "Type": "Topic",
        "Key": "IndelingswijzigingGemeenteWijkBuurt_4",
        "Title": "Indelingswijziging gemeente, wijk, buurt", "Description": "1: ongewijzigd",
        "Datatype": "String", "Unit": "code", "Decimals": 0, "Default": "Impossible",
        "PresentationType": "",
    })  # fmt: skip
    path = tmp_path / "DataProperties.json"
    path.write_text(json.dumps(entries, indent=2, ensure_ascii=False), encoding="utf-8")
    assert codering_key(path.read_bytes(), "85984NED") == "Codering_3"


@pytest.mark.realdata(twin="test_codering_key_of_a_saved_dataproperties_file")
def test_codering_key_of_the_real_2024_metadata() -> None:
    if not REAL_DATA_PROPERTIES.is_file():
        pytest.skip(f"real sample {REAL_DATA_PROPERTIES} is absent")
    assert codering_key(REAL_DATA_PROPERTIES.read_bytes(), "85984NED") == "Codering_3"


def test_pages_are_followed_and_the_filter_uses_the_tables_own_key(tmp_path: Path) -> None:
    fake = FakeStatLine(table="85618NED", code_key="Codering_4")
    with client(tmp_path, fake) as statline:
        fetched = statline.gemeente_table("85618NED", "GM0344", 2023)
    rows = json.loads(fetched.data)["value"]
    assert [r["Codering_4"].strip() for r in rows] == [
        "GM0344",
        "WK034401",
        "BU03440101",
        "BU03440102",
    ]
    assert "TypedDataSet" in json.loads(fetched.data)["odata.metadata"]
    assert not fetched.from_cache and fetched.year == 2023
    assert fetched.url.startswith(f"{API}/85618NED/TypedDataSet?$format=json&$filter=substringof(")
    paths = [r.url.path.rsplit("/", 1)[-1] for r in fake.requests]
    assert paths == ["DataProperties", "TableInfos", "TypedDataSet", "TypedDataSet"]
    assert all(r.extensions["timeout"]["read"] for r in fake.requests)  # never without a timeout


def test_a_second_call_is_served_from_the_cache_without_any_request(tmp_path: Path) -> None:
    with client(tmp_path, FakeStatLine()) as statline:
        first = statline.gemeente_table("85984NED", "GM0344", 2024)
    with client(tmp_path, refuse_all) as offline:
        second = offline.gemeente_table("85984NED", "GM0344", 2024)
        assert offline.requests == 0
    assert second.from_cache and second.data == first.data
    assert second.data_properties == first.data_properties
    assert second.retrieved_at == first.retrieved_at
    # Another gemeente is another query: not in the cache, so it needs the network.
    with client(tmp_path, refuse_all) as offline, pytest.raises(AssertionError):
        offline.gemeente_table("85984NED", "GM0363", 2024)


def test_refresh_downloads_again(tmp_path: Path) -> None:
    fake = FakeStatLine()
    with client(tmp_path, fake) as statline:
        statline.gemeente_table("85984NED", "GM0344")
    with client(tmp_path, fake, refresh=True) as statline:
        assert not statline.gemeente_table("85984NED", "GM0344").from_cache
    assert len(fake.requests) == 8


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("[Errno -3] Temporary failure in name resolution"),
        httpx.ConnectTimeout("timed out"),
    ],
)
def test_offline_says_what_to_do_in_one_paragraph(tmp_path: Path, failure: Exception) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise failure

    with client(tmp_path, handler) as statline, pytest.raises(StatLineUnreachable) as caught:
        statline.gemeente_table("85984NED", "GM0344")
    message = str(caught.value)
    assert isinstance(caught.value, WijkkompasError)
    assert "cannot reach opendata.cbs.nl (table 85984NED)" in message
    assert "download the file by hand" in message and "`wijkkompas import FILE`" in message
    assert "\n" not in message


def test_unknown_table_and_server_errors_are_named(tmp_path: Path) -> None:
    with (
        client(tmp_path, FakeStatLine()) as statline,
        pytest.raises(StatLineError, match=r"does not know table 12345NED \(HTTP 404\)"),
    ):
        statline.gemeente_table("12345NED", "GM0344")
    with (
        client(tmp_path, lambda r: httpx.Response(503)) as statline,
        pytest.raises(StatLineError, match="HTTP 503"),
    ):
        statline.resource("85984NED", "DataProperties")
    with pytest.raises(WijkkompasError, match="not a StatLine table id"):
        StatLineClient(tmp_path).resource("85984NED/../x", "TableInfos")


def test_a_next_link_to_another_host_is_not_followed(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"value": [], "odata.nextLink": "https://evil.example/x"})

    with client(tmp_path, handler) as statline, pytest.raises(StatLineError, match="elsewhere"):
        statline.resource("85984NED", "TableInfos")


def test_catalogue_check_confirms_or_refuses_a_table_id(tmp_path: Path) -> None:
    with client(tmp_path, FakeStatLine()) as statline:
        assert statline.verify_table("85984NED", 2024) == "Kerncijfers wijken en buurten 2024"
        with pytest.raises(StatLineError, match="not Kerncijfers wijken en buurten 2023"):
            statline.verify_table("85984NED", 2023)
        with pytest.raises(StatLineError, match="does not list table 85618NED"):
            statline.verify_table("85618NED", 2023)


def test_fetch_kwb_picks_the_table_of_each_year(tmp_path: Path) -> None:
    messages: list[str] = []
    with client(tmp_path, FakeStatLine()) as statline:
        (fetched,) = fetch_kwb(statline, "GM0344", [2024], verify=True, progress=messages.append)
    assert fetched.table_id == KWB_TABLES[2024] == "85984NED"
    assert messages == ["2024: checking 85984NED in the CBS catalogue", "2024: 85984NED"]


# -- the command ----------------------------------------------------------------------------------


def command_app(store: Path) -> typer.Typer:
    """The fetch sub-app mounted the way `wijkkompas` mounts it, with the store in ctx.obj."""
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = {"store": store}

    app.add_typer(cli_fetch.fetch_app, name="fetch")
    return app


def test_fetch_cbs_imports_through_the_statline_loader_in_one_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeStatLine()
    monkeypatch.setattr(
        cli_fetch, "client_factory", partial(StatLineClient, transport=httpx.MockTransport(fake))
    )
    store = tmp_path / "s.duckdb"
    args = [
        "fetch",
        "cbs",
        "--gemeente",
        "GM0344",
        "--years",
        "2024",
        "--cache-dir",
        str(tmp_path / "cache"),
    ]
    result = CliRunner().invoke(command_app(store), args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "2024 85984NED: 4 regions" in result.output
    with AnalyticStore(store).reader() as reader:
        regions = reader.all_regions()
        figures = reader.observations(region_codes=["GM0344", "BU03440101", "BU03440102"])
        imports = reader.imports()
    assert set(regions["code"]) == {"GM0344", "WK034401", "BU03440101", "BU03440102"}
    assert set(regions["year"]) == {2024}
    population = figures[figures["indicator_id"] == "population"].set_index("region_code")
    assert population.loc["GM0344", "value"] == 361_742
    assert population["value"].isna().sum() == 1  # null stays unknown, never zero
    provenance = json.loads(imports.iloc[-1]["provenance"])
    assert provenance["fetched"]["table_id"] == "85984NED"
    # Again, offline: the cache serves it and nothing is requested.
    monkeypatch.setattr(
        cli_fetch,
        "client_factory",
        partial(StatLineClient, transport=httpx.MockTransport(refuse_all)),
    )
    again = CliRunner().invoke(command_app(store), args)
    assert again.exit_code == 0, repr(again.exception)
    assert "from cache" in again.output


def test_fetch_cbs_offline_fails_with_the_message_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Network is unreachable")

    monkeypatch.setattr(
        cli_fetch, "client_factory", partial(StatLineClient, transport=httpx.MockTransport(handler))
    )
    store = tmp_path / "s.duckdb"
    result = CliRunner().invoke(
        command_app(store),
        [
            "fetch",
            "cbs",
            "--gemeente",
            "GM0344",
            "--years",
            "2023-2024",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
    )
    assert isinstance(result.exception, StatLineUnreachable)  # main() prints it, exit code 1
    assert "cannot reach opendata.cbs.nl" in str(result.exception)
    assert not store.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gemeente", "BU03440101"], "expects a gemeente code"),
        (["--gemeente", "GM0344", "--years", "2030"], "no known Kerncijfers"),
    ],
)
def test_fetch_cbs_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(command_app(tmp_path / "s.duckdb"), ["fetch", "cbs", *args])
    assert isinstance(result.exception, WijkkompasError)
    assert message in str(result.exception)
