"""Fetching CBS StatLine tables online: one adapter, one on-disk cache, no surprises offline.

Every network call of wijkkompas goes through :class:`StatLineClient`, so there is one place
that knows the OData v3 layout, the timeout, the paging and the cache. Responses are cached per
(table id, query) as the raw JSON the loaders read, so a second run, a test or a machine that
has since gone offline gets exactly the same bytes without a request. The parsing itself is
not done here: the fetched bytes go to the same StatLine loader as a file saved by hand.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from wijkkompas.errors import WijkkompasError
from wijkkompas.paths import var_dir
from wijkkompas.regions import parse_region_code
from wijkkompas.sources.base import statline_base_name
from wijkkompas.sources.statline_tables import KWB_TABLES

BASE_URL = "https://opendata.cbs.nl"
DEFAULT_TIMEOUT = 30.0
MAX_PAGES = 200
"""A gemeente is a few hundred rows; a feed that pages longer than this is looping."""

_TABLE_ID = re.compile(r"^\d{5}[A-Z]{3}$")
_SAFE = "'(),"


class StatLineError(WijkkompasError):
    """StatLine answered, but not with what was asked for."""


class StatLineUnreachable(StatLineError):
    """No connection to opendata.cbs.nl; the message says how to continue by hand."""


def offline_message(host: str, reason: object, table_id: str | None = None) -> str:
    table = f" (table {table_id})" if table_id else ""
    return (
        f"wijkkompas cannot reach {host}{table}: {reason}. This machine seems to be offline, "
        "or a firewall or proxy blocks it (set HTTPS_PROXY if you use one). Figures fetched "
        "before are served from the cache, but these are not there yet. To continue without "
        "internet, download the file by hand on a machine that has it (StatLine → the table → "
        "'Downloaden' as CSV), copy it here and use `wijkkompas import FILE`."
    )


def parse_years(text: str) -> list[int]:
    """``2019-2024`` → 2019…2024, ``2023`` → [2023], ``2019,2021`` → both; else a clear error."""
    cleaned = text.strip().replace(" ", "")
    years: set[int] = set()
    for part in filter(None, cleaned.split(",")):
        match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", part)
        if not match:
            raise WijkkompasError(
                f"--years '{text}' is not a year or range: write 2023, 2019-2024 or 2019,2021."
            )
        start = int(match.group(1))
        end = int(match.group(2) or start)
        if end < start:
            raise WijkkompasError(f"--years '{text}': the range runs backwards ({start} > {end}).")
        years.update(range(start, end + 1))
    if not years:
        raise WijkkompasError("--years is empty: write 2023, 2019-2024 or 2019,2021.")
    unknown = sorted(years - set(KWB_TABLES))
    if unknown:
        known = f"{min(KWB_TABLES)}-{max(KWB_TABLES)}"
        raise WijkkompasError(
            f"There is no known Kerncijfers wijken en buurten table for {unknown}; wijkkompas "
            f"knows the years {known}. For other years download the table by hand and use "
            "`wijkkompas import`."
        )
    return sorted(years)


def default_cache_dir() -> Path:
    configured = os.environ.get("WIJKKOMPAS_STATLINE_CACHE")
    return Path(configured) if configured else var_dir() / "cache" / "statline"


def _query_string(params: dict[str, str]) -> str:
    """OData options as CBS documents them (``$filter=substringof('GM0344',Codering_3)``)."""
    return "&".join(f"{key}={quote(value, safe=_SAFE)}" for key, value in params.items())


@dataclass(frozen=True)
class FetchedTable:
    """The raw JSON of one table, as the StatLine loader reads it, plus where it came from."""

    table_id: str
    year: int | None
    data: bytes
    """TypedDataSet: ``{"odata.metadata": …, "value": [rows of all pages]}``."""
    data_properties: bytes
    table_infos: bytes
    url: str
    retrieved_at: str
    from_cache: bool

    @property
    def file_name(self) -> str:
        return f"{self.table_id}_TypedDataSet.json"

    def provenance(self) -> dict[str, Any]:
        return {
            "table_id": self.table_id,
            "url": self.url,
            "retrieved_at": self.retrieved_at,
            "from_cache": self.from_cache,
            "sha256": hashlib.sha256(self.data).hexdigest(),
        }


class StatLineClient:
    """The one adapter to CBS OData v3: httpx with a timeout, paging, and a (table, query) cache.

    Pass ``transport`` (an ``httpx.MockTransport``) in tests; ``refresh`` ignores cached
    responses and overwrites them. ``requests`` counts HTTP requests actually made.
    """

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        base_url: str = BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        refresh: bool = False,
    ) -> None:
        self.cache_dir = cache_dir or default_cache_dir()
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).hostname or self.base_url
        self.refresh = refresh
        self.requests = 0
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            follow_redirects=True,
            headers={"Accept": "application/json", "User-Agent": "wijkkompas"},
        )

    def __enter__(self) -> StatLineClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- HTTP -------------------------------------------------------------------------------

    def _get_json(self, url: str, table_id: str | None) -> dict[str, Any]:
        self.requests += 1
        try:
            response = self._http.get(url)
        except httpx.TimeoutException as exc:
            raise StatLineUnreachable(
                offline_message(self.host, f"no answer within the time limit ({exc})", table_id)
            ) from exc
        except httpx.TransportError as exc:
            raise StatLineUnreachable(
                offline_message(self.host, str(exc) or type(exc).__name__, table_id)
            ) from exc
        if response.status_code == 404:
            raise StatLineError(
                f"{self.host} does not know table {table_id or url} (HTTP 404). Check the table "
                "id on StatLine; CBS sometimes replaces a table by a new one with another id."
            )
        if response.status_code >= 400:
            raise StatLineError(
                f"{self.host} answered HTTP {response.status_code} for {url}. Try again later, "
                "or download the table by hand and use `wijkkompas import`."
            )
        try:
            payload = response.json()
        except ValueError as exc:
            raise StatLineError(
                f"{self.host} answered with something that is not JSON: {url}."
            ) from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("value"), list):
            raise StatLineError(f"{self.host} answered without a 'value' list: {url}.")
        return payload

    def _get_all_pages(self, url: str, table_id: str | None) -> bytes:
        """All rows of a feed, following ``odata.nextLink`` (on the same host only)."""
        first = self._get_json(url, table_id)
        rows = list(first["value"])
        next_link = first.get("odata.nextLink")
        pages = 1
        while next_link:
            if urlsplit(next_link).hostname not in (None, self.host):
                raise StatLineError(f"{self.host} pointed the next page elsewhere: {next_link}.")
            if pages >= MAX_PAGES:
                raise StatLineError(f"{url} pages on past {MAX_PAGES} pages; stopped.")
            if not urlsplit(next_link).scheme:
                next_link = f"{self.base_url}/{next_link.lstrip('/')}"
            page = self._get_json(next_link, table_id)
            rows.extend(page["value"])
            next_link = page.get("odata.nextLink")
            pages += 1
        merged = {"odata.metadata": first.get("odata.metadata"), "value": rows}
        return json.dumps(merged, ensure_ascii=False).encode("utf-8")

    # -- cache ------------------------------------------------------------------------------

    def _cache_path(self, table_id: str, query: str) -> Path:
        key = hashlib.sha256(f"{table_id}\n{query}".encode()).hexdigest()[:32]
        resource = re.sub(r"[^A-Za-z]", "", query.split("?", 1)[0]) or "query"
        return self.cache_dir / table_id / f"{resource}-{key}.json"

    def _cached(
        self, table_id: str, query: str, fetch: Callable[[], bytes]
    ) -> tuple[bytes, str, bool]:
        """Bytes, retrieval time and whether they came from the cache."""
        path = self._cache_path(table_id, query)
        meta_path = path.with_suffix(".meta.json")
        if not self.refresh and path.is_file() and meta_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            return path.read_bytes(), str(meta.get("retrieved_at", "")), True
        data = fetch()
        retrieved_at = datetime.now(UTC).isoformat(timespec="seconds")
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"table_id": table_id, "query": query, "retrieved_at": retrieved_at}
        # Data first, then the metadata that marks the entry complete; both renamed atomically.
        for target, content in ((path, data), (meta_path, json.dumps(meta).encode())):
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(content)
            os.replace(tmp, target)
        return data, retrieved_at, False

    # -- tables -----------------------------------------------------------------------------

    def _table_url(self, table_id: str, query: str) -> str:
        return f"{self.base_url}/ODataApi/odata/{table_id}/{query}"

    def resource(self, table_id: str, name: str, params: dict[str, str] | None = None) -> bytes:
        """One resource of a table (``DataProperties``, ``TableInfos``, ``TypedDataSet``…)."""
        _check_table_id(table_id)
        query = f"{name}?{_query_string({'$format': 'json', **(params or {})})}"
        data, _at, _hit = self._cached(
            table_id, query, lambda: self._get_all_pages(self._table_url(table_id, query), table_id)
        )
        return data

    def gemeente_table(self, table_id: str, gemeente: str, year: int | None = None) -> FetchedTable:
        """The rows of one gemeente, its wijken and its buurten (``substringof`` on the code)."""
        code = parse_region_code(gemeente)
        if code.level != "gemeente":
            raise WijkkompasError(f"--gemeente expects a code such as GM0344, not {code.code}.")
        properties = self.resource(table_id, "DataProperties")
        infos = self.resource(table_id, "TableInfos")
        key = codering_key(properties, table_id)
        params = {"$format": "json", "$filter": f"substringof('{code.code}',{key})"}
        query = f"TypedDataSet?{_query_string(params)}"
        url = self._table_url(table_id, query)
        data, retrieved_at, hit = self._cached(
            table_id, query, lambda: self._get_all_pages(url, table_id)
        )
        return FetchedTable(table_id, year, data, properties, infos, url, retrieved_at, hit)

    def verify_table(self, table_id: str, year: int | None = None) -> str:
        """The catalogue title of ``table_id``; an error when CBS does not list it as KWB ``year``."""
        _check_table_id(table_id)
        params = {"$format": "json", "$filter": f"Identifier eq '{table_id}'"}
        query = f"Tables?{_query_string(params)}"
        url = f"{self.base_url}/ODataCatalog/{query}"
        data, _at, _hit = self._cached(table_id, query, lambda: self._get_all_pages(url, table_id))
        rows = json.loads(data)["value"]
        if not rows:
            raise StatLineError(f"The CBS catalogue does not list table {table_id}.")
        title = str(rows[0].get("Title", ""))
        if "wijken en buurten" not in title.lower() or (year and str(year) not in title):
            raise StatLineError(
                f"Table {table_id} is '{title}' in the CBS catalogue, not Kerncijfers wijken en "
                f"buurten {year or ''}. The table list in wijkkompas needs correcting; please "
                "report it."
            )
        return title


def _check_table_id(table_id: str) -> None:
    if not _TABLE_ID.match(table_id):
        raise WijkkompasError(f"'{table_id}' is not a StatLine table id such as 85984NED.")


def codering_key(data_properties: bytes, table_id: str = "") -> str:
    """The key of the region code column (``Codering_3``): its suffix differs between tables."""
    parsed = json.loads(data_properties)
    entries: Iterable[dict[str, Any]] = parsed["value"] if isinstance(parsed, dict) else parsed
    for entry in entries:
        key = str(entry.get("Key") or "")
        if statline_base_name(key) == "Codering":
            return key
    raise StatLineError(
        f"Table {table_id} has no 'Codering' column, so it cannot be filtered by gemeente. "
        "Is it a wijk- en buurtcijfers table?"
    )


def fetch_kwb(
    client: StatLineClient,
    gemeente: str,
    years: Iterable[int],
    *,
    verify: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[FetchedTable]:
    """The KWB tables of one gemeente for each year, from the cache where possible."""
    step = progress or (lambda _message: None)
    fetched = []
    for year in years:
        table_id = KWB_TABLES[year]
        if verify:
            step(f"{year}: checking {table_id} in the CBS catalogue")
            client.verify_table(table_id, year)
        step(f"{year}: {table_id}")
        fetched.append(client.gemeente_table(table_id, gemeente, year))
    return fetched
