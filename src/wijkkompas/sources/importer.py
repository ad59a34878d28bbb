"""Importing files: pick a loader, parse, find codes for regions named by name only, attach
boundaries to known regions, write in one go.

This is the one place that combines loaders with the store. All files of one command are
written in one transaction: either every file lands, or none does. Regions a file names
without a code are looked up among the regions the store and the other files of the command
know (:mod:`wijkkompas.sources.region_names`); rows that match nothing are reported by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, Unpack

import pandas as pd

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError, missing_share
from wijkkompas.sources.mapping import unit_factor
from wijkkompas.sources.region_names import NameResolution, resolve_named_regions
from wijkkompas.store import AnalyticStore, ImportBatch
from wijkkompas.store.batch import REGION_COLUMNS

HEAD_BYTES = 64 * 1024


@dataclass
class FileReport:
    """What one file contributed, for the summary the user reads after an import."""

    file: str
    source: str
    regions_per_level: dict[str, int]
    years: list[int]
    indicators: list[str]
    unmatched_columns: list[str]
    missing_share: float
    geometries: int = 0
    unjoined_codes: list[str] = field(default_factory=list)
    national_figures: int = 0
    """Figures for the whole country (the NL00 row), kept apart from the regions' figures."""
    source_choices: list[str] = field(default_factory=list)
    """Where another source gives the same figures: which one scoring uses."""
    names_matched: int = 0
    """Rows of a file that names its regions without codes whose code was found by name."""
    unmatched_names: list[str] = field(default_factory=list)
    """Names of such rows that matched no region (or several): left out, never silently."""
    name_code_years: list[int] = field(default_factory=list)
    """The indeling year(s) whose codes the names were matched to."""
    crosswalk_pairs: list[str] = field(default_factory=list)
    """``"2015 → 2022: 439 codes"`` per pair of indeling years a crosswalk in the file links."""
    periods: list[str] = field(default_factory=list)
    """The periods the figures describe; ``years`` are the boundary years (they differ for a
    table computed on one regio-indeling for several years, like the RIVM health monitor)."""
    geometries_skipped: list[str] = field(default_factory=list)
    """Codes of a boundary file whose feature had no geometry or an empty one."""
    geometries_repaired: list[str] = field(default_factory=list)
    """``CODE (problem)`` for each invalid geometry of a boundary file that was repaired."""


class Reading(TypedDict, total=False):
    """How files are read, for :func:`read_batches` and :func:`import_files` alike."""

    source: str
    """A loader key, or ``auto`` (the default) to let each file's name and first bytes say."""
    options: LoadOptions | None
    catalogue: Catalogue | None
    progress: Callable[[str], None] | None
    names: Sequence[str] | None
    """The files' own names when the bytes are read from elsewhere (an upload kept under a
    generated name): loaders detect the kind and the year by the name, and reports and messages
    say it. Each pair then holds ``Path(name)``, a label, not where the bytes were."""


def read_batches(
    paths: Sequence[Path], **reading: Unpack[Reading]
) -> list[tuple[Path, ImportBatch]]:
    """Parse every file; nothing is written yet, so a bad file stops the whole command harmlessly."""
    source = reading.get("source", "auto")
    catalogue = reading.get("catalogue") or load_catalogue()
    options = reading.get("options") or LoadOptions()
    progress = reading.get("progress")
    names = reading.get("names")
    if names is not None and len(names) != len(paths):
        raise ValueError("give one name per path")
    batches = []
    for number, path in enumerate(paths):
        name = names[number] if names is not None else path.name
        if progress:
            progress(f"reading {name}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            shown = path if names is None else name
            raise SourceError(f"Cannot read {shown}: {exc.strerror or exc}.") from exc
        loader = (
            registry.detect(name, data[:HEAD_BYTES]) if source == "auto" else registry.get(source)
        )
        batch = loader.load(data, name, catalogue, options)
        convert_units(batch, options.units, catalogue, name)
        batches.append((path if names is None else Path(name), batch))
    return batches


def convert_units(
    batch: ImportBatch, units: Mapping[str, str], catalogue: Catalogue, name: str
) -> None:
    """Bring figures of columns the mapping says are in another unit to the catalogue's unit,
    in place (``sources.mapping``), and record what was converted."""
    if not units or batch.observations.empty:
        return
    obs = batch.observations
    by_id = {i.id: i for i in catalogue.indicators}
    done: dict[str, str] = {}
    for column, declared in units.items():
        rows = obs["source_column"] == column
        if not rows.any():
            continue
        for indicator_id in obs.loc[rows, "indicator_id"].unique():
            wanted = by_id[str(indicator_id)].unit
            factor = unit_factor(declared, wanted, column, name)
            which = rows & (obs["indicator_id"] == indicator_id)
            obs.loc[which, "value"] = obs.loc[which, "value"] * factor
            done[column] = f"{declared} → {wanted} (× {factor:g})"
    if done:
        batch.provenance["units_converted"] = done


def attach_geometries(
    batches: Sequence[tuple[Path, ImportBatch]], known_regions: pd.DataFrame
) -> dict[str, list[str]]:
    """Give boundary rows without a year the newest year of their region; drop unknown codes.

    Returns the codes that could not be joined, per file. A boundary file of which no code
    joins is refused: the user most likely imported the wrong year or forgot the figures.
    """
    if all(batch.geometries.empty for _, batch in batches):
        return {}  # figures only: nothing to join (a set of every known region-year is costly)
    regions = pd.concat(
        [known_regions[["code", "year"]]]
        + [b.regions[["code", "year"]] for _, b in batches if len(b.regions)],
        ignore_index=True,
    )
    newest = regions.groupby("code")["year"].max()
    pairs = set(zip(regions["code"], regions["year"].astype(int), strict=True))
    unjoined: dict[str, list[str]] = {}
    for path, batch in batches:
        geoms = batch.geometries
        if geoms.empty:
            continue
        geoms = geoms.copy()
        geoms["region_year"] = pd.to_numeric(geoms["region_year"], errors="coerce").astype(
            "float64"
        )
        no_year = geoms["region_year"].isna()
        if no_year.any():
            geoms.loc[no_year, "region_year"] = (
                geoms.loc[no_year, "region_code"].astype(object).map(newest).astype("float64")
            )
        joined = [
            pd.notna(y) and (code, int(y)) in pairs
            for code, y in zip(geoms["region_code"], geoms["region_year"], strict=True)
        ]
        mask = pd.Series(joined, index=geoms.index)
        unjoined[path.name] = sorted(geoms.loc[~mask, "region_code"].astype(str))
        if not mask.any():
            raise SourceError(
                f"{path.name}: none of its {len(geoms)} region codes matches a region in the "
                "store or in the files imported with it. Import the CBS figures of the same "
                "year first (or together), or give the boundary year with --year."
            )
        geoms = geoms[mask]
        geoms["region_year"] = geoms["region_year"].astype(int)
        batch.geometries = geoms
    return unjoined


def report_for(
    path: Path,
    batch: ImportBatch,
    unjoined: list[str],
    names: NameResolution | None = None,
) -> FileReport:
    obs = batch.observations
    levels = (
        batch.regions.groupby("level")["code"].nunique().to_dict() if len(batch.regions) else {}
    )
    # A file of figures only (survey results) names no regions of its own: its years are the
    # boundary years of its figures.
    year_column = batch.regions["year"] if len(batch.regions) else obs["region_year"]
    years = sorted({int(y) for y in year_column.dropna()})
    return FileReport(
        file=path.name,
        source=batch.source,
        regions_per_level={str(k): int(v) for k, v in levels.items()},
        years=years,
        indicators=sorted(obs["indicator_id"].dropna().unique().tolist()),
        unmatched_columns=sorted(batch.unmatched["source_column"].dropna().unique().tolist()),
        missing_share=missing_share(pd.to_numeric(obs["value"], errors="coerce")),
        geometries=len(batch.geometries),
        unjoined_codes=unjoined,
        national_figures=len(batch.national),
        names_matched=names.matched if names else 0,
        unmatched_names=names.unmatched_names if names else [],
        name_code_years=sorted(set(names.code_years.values())) if names else [],
        periods=sorted({str(p) for p in obs["period"].dropna().unique()}),
        crosswalk_pairs=_crosswalk_pairs(batch.crosswalk),
        geometries_skipped=list(batch.provenance.get("geometries_skipped", [])),
        geometries_repaired=list(batch.provenance.get("geometries_repaired", [])),
    )


def _crosswalk_pairs(crosswalk: pd.DataFrame) -> list[str]:
    if crosswalk.empty:
        return []
    pairs = zip(crosswalk["old_year"].astype(int), crosswalk["new_year"].astype(int), strict=True)
    counted: dict[tuple[int, int], int] = {}
    for pair in pairs:
        counted[pair] = counted.get(pair, 0) + 1
    return [f"{a} → {b}: {n} codes" for (a, b), n in sorted(counted.items())]


def import_files(
    store: AnalyticStore, paths: Sequence[Path], **reading: Unpack[Reading]
) -> list[FileReport]:
    """Parse, join and write all files in one transaction; return a report per file."""
    batches = read_batches(paths, **reading)
    progress = reading.get("progress")
    needs_known = any(
        not b.named_regions.empty or not b.geometries.empty for _, b in batches
    )  # names to resolve or boundaries to join: otherwise the stored regions are not read
    if store.exists() and needs_known:
        with store.reader() as reader:
            known = reader.all_regions()
    else:
        known = pd.DataFrame({c: [] for c in REGION_COLUMNS})
    resolutions = resolve_named_regions(batches, known)
    unjoined = attach_geometries(batches, known)
    store.import_batches([b for _, b in batches], progress=progress)
    reports = [
        report_for(p, b, unjoined.get(p.name, []), resolved)
        for (p, b), resolved in zip(batches, resolutions, strict=True)
    ]
    for report, (_path, batch) in zip(reports, batches, strict=True):
        report.source_choices = source_choices(store, batch)
    return reports


def source_choices(store: AnalyticStore, batch: ImportBatch) -> list[str]:
    """Where another source in the store gives the same indicator for the same region and year:
    which one scoring uses (the documented source priority, ``sources.priority``)."""
    obs = batch.observations.dropna(subset=["value"])
    if obs.empty:
        return []
    with store.reader() as reader:
        if not reader.other_sources_have_figures(batch.source):
            return []
        # Only now the engine's rules (loading the index package costs a quarter second).
        from wijkkompas.index.inputs import select_figures
        from wijkkompas.sources.priority import SOURCE_RULES

        stored = reader.observations(
            indicator_ids=sorted(obs["indicator_id"].unique()),
            region_codes=sorted(obs["region_code"].unique()),
            shared_with=batch.source,
        )
    if stored.empty:
        return []
    conflicts = select_figures(stored, SOURCE_RULES).conflicts
    if conflicts.empty:
        return []
    mine = conflicts[(conflicts["winner"] == batch.source) | (conflicts["other"] == batch.source)]
    lines = []
    for row in mine.itertuples():
        lines.append(
            f"{row.indicator_id} {row.year}: {row.figures} figures from both {row.winner} and "
            f"{row.other}; scoring uses {row.winner}"
        )
    return lines
