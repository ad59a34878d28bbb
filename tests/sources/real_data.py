"""Where the real public samples are, and one catalogue for all loader tests.

The samples live in ``../shared/data`` beside the repository and are never copied into it; a
test that needs one skips, saying which file is missing, when that folder is not there.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.store import ImportBatch

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def real_path(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"real sample {path} is absent (../shared/data is not next to the repository)")
    return path


def real_bytes(path: Path) -> bytes:
    return real_path(path).read_bytes()


@functools.cache
def shared_catalogue() -> Catalogue:
    """One catalogue for all tests; hypothesis tests call it directly, so a failure report does
    not print the whole catalogue as an argument."""
    return load_catalogue()


def value(batch: ImportBatch, code: str, indicator: str) -> float:
    """The one figure a batch holds for a region and indicator (fails if there are more)."""
    obs = batch.observations
    row = obs[(obs.region_code == code) & (obs.indicator_id == indicator)]
    assert len(row) == 1, f"{code} {indicator}: {len(row)} rows"
    return float(row["value"].iloc[0])


def levels(batch: ImportBatch) -> dict[str, int]:
    """How many regions of each level a batch holds."""
    return {str(k): int(v) for k, v in batch.regions["level"].value_counts().items()}
