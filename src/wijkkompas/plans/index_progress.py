"""Goals on a dimension or a social-quality condition, measured on saved index runs.

A goal's baseline cites the run it came from (``index-run:<run_id>``), so a reader can trace it
to the exact scores, catalogue and reference that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkkompas.catalogue.score_groups import KEY_OF_TAG
from wijkkompas.index.classify import classify, cut_points

INDEX_RUN_PREFIX = "index-run:"

SCORE_COLUMNS: dict[str, str] = KEY_OF_TAG
"""Catalogue tag (what a goal stores) → score column of a saved run. The catalogue and the
engine spell two of them differently; a goal keeps the catalogue's spelling like indicators do."""


@dataclass(frozen=True)
class ScoreScale:
    """How a score reads for people: its class (1–9, 9 best) and its distance from 0.

    0 is the national midpoint (every indicator at the country's figure) and 1 is the usual
    spread between buurten. The classes use the fixed cut-points of ``index.classify`` around
    the mean and standard deviation of this very score on the reference's fit data, as the
    total's classes do; they stay the same for every year scored against that reference.
    """

    mean: float
    sd: float

    def class_of(self, value: float) -> int:
        cuts = cut_points(self.mean, self.sd)
        return int(classify(np.array([value], dtype=float), cuts)[0])


def run_id_of(source_id: str) -> str | None:
    """The run id inside a baseline source id, or None for a store source."""
    return source_id[len(INDEX_RUN_PREFIX) :] if source_id.startswith(INDEX_RUN_PREFIX) else None


def run_label(row: pd.Series) -> str:
    """How a run is named to people: its label and the day it was made."""
    created = pd.Timestamp(row["created_at"]).strftime("%Y-%m-%d")
    label = str(row["label"] or "").strip() or str(row["run_id"])
    return f"{label} ({created})"
