"""The yardsticks scores are measured by: which one to use, and fitting one on purpose.

A score depends on its own figures and a named reference (ADR 0010): the store's chosen one,
else the one shipped with the catalogue. Fitting is an explicit act with a name, never a side
effect of scoring.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue, load_catalogue, shipped_reference
from wijkkompas.errors import WijkkompasError
from wijkkompas.index import EngineOptions, Reference, ReferenceMismatch, fit_reference
from wijkkompas.index.inputs import derive_figures
from wijkkompas.services.panel import conflict_notes, read_panel
from wijkkompas.store import AnalyticStore

DEFAULT_REFERENCE = "catalogue"
"""The name that stands for the reference shipped with the catalogue."""


def resolve_reference(
    store: AnalyticStore | None, catalogue: Catalogue, name: str | None = None
) -> Reference:
    """The yardstick to score with: the one named, else the store's active one, else the one
    shipped with the catalogue. Never a fresh fit (ADR 0010)."""
    if name is None and store is not None and store.exists():
        with store.reader() as reader:
            name = reader.active_reference()
    if name is None or name == DEFAULT_REFERENCE:
        text = shipped_reference(catalogue)
        if text is None:
            raise ReferenceMismatch(
                f"No reference ships with catalogue {catalogue.version} (it is not wijkkompas's "
                "own catalogue, or its scoring content changed). Fit one on purpose: "
                "`wijkkompas reference fit --name NAME --use`."
            )
        return Reference.from_json(text)
    if store is None or not store.exists():
        raise WijkkompasError(f"There is no store to hold a reference named '{name}'.")
    with store.reader() as reader:
        text = reader.reference_json(name)
        known = reader.references()["name"].tolist()
    if text is None:
        listed = ", ".join([DEFAULT_REFERENCE, *known])
        raise WijkkompasError(f"The store has no reference named '{name}'. Known: {listed}.")
    return Reference.from_json(text)


def national_figures(
    store: AnalyticStore, catalogue: Catalogue, reference_year: int | None = None
) -> dict[str, tuple[float, float]]:
    """Indicator → (the country's figure, its period year), from the store's national rows
    (KWB NL00, RIVM NL01), with the rates the tables do not publish derived from the national
    counts of the same table: per indicator the newest table year at or before
    ``reference_year``."""
    with store.reader() as reader:
        frame = reader.national_observations()
    if frame.empty:
        return {}
    frame = frame.dropna(subset=["value"])
    if reference_year is not None:
        frame = frame[frame["table_year"] <= reference_year]
    frame = frame.assign(year=pd.to_numeric(frame["period"].astype(str).str[:4], errors="coerce"))
    found: dict[str, tuple[float, float, int]] = {}
    by_id = {i.id: i for i in catalogue.indicators}
    for table_year in sorted(int(y) for y in frame["table_year"].unique()):
        part = frame[frame["table_year"] == table_year].sort_values("year")
        part = part.drop_duplicates("indicator_id", keep="last")
        values = dict(
            zip(part["indicator_id"].astype(str), part["value"].astype(float), strict=True)
        )
        periods = dict(
            zip(part["indicator_id"].astype(str), part["year"].astype(float), strict=True)
        )
        for ind_id, value in derive_figures(values, catalogue).items():
            ind = by_id.get(ind_id)
            source = ind.numerator if ind is not None and ind.numerator else ind_id
            year = periods.get(ind_id, periods.get(source or "", np.nan))
            if np.isnan(value) or np.isnan(year):
                continue
            previous = found.get(ind_id)
            if previous is None or (table_year, year) >= (previous[2], previous[1]):
                found[ind_id] = (float(value), float(year), table_year)
    known = {i.id for i in catalogue.indicators}
    return {k: (v, y) for k, (v, y, _t) in found.items() if k in known and not np.isnan(y)}


def fit_store_reference(
    store: AnalyticStore,
    *,
    name: str,
    catalogue: Catalogue | None = None,
    options: EngineOptions | None = None,
    gemeente: str | None = None,
    note: str = "",
    save: bool = True,
    activate: bool = False,
) -> Reference:
    """Fit a reference on the store's figures, on purpose, and keep it under its name."""
    catalogue = catalogue or load_catalogue()
    if name == DEFAULT_REFERENCE:
        raise WijkkompasError(
            f"'{DEFAULT_REFERENCE}' is the name of the reference shipped with the catalogue; "
            "choose another --name."
        )
    options = options or EngineOptions()
    panel, _names, selection = read_panel(store, gemeente, catalogue)
    national = national_figures(store, catalogue, options.reference_year)
    with store.reader() as reader:
        imports = reader.imports()
    files = sorted({str(json.loads(p).get("file", "")) for p in imports["provenance"]} - {""})
    reference = fit_reference(
        panel,
        catalogue,
        options,
        national=national,
        name=name,
        fitted_on={
            "store": store.path.name,
            "scope": f"gemeente {gemeente}" if gemeente else "all regions in the store",
            "files": files,
            "note": note,
        },
    )
    if save:
        store.save_reference(
            name=name,
            catalogue_version=catalogue.version,
            catalogue_hash=catalogue.scoring_sha256,
            reference_json=reference.to_json(),
            note=note,
            activate=activate,
        )
    reference.fitted_on["source_choices"] = conflict_notes(selection)
    return reference
