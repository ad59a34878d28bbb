"""The indicator catalogue: which indicators exist, their names per source, and their tags.

``load_catalogue()`` reads the packaged ``default.toml``; a user may pass their own file (for
example with local survey indicators added). Either way the content is validated in full and an
error names the indicator and field, because a wrong catalogue would silently skew every score.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wijkkompas.catalogue.schema import (
    CUMULATION_DOMAINS,
    DIMENSIONS,
    PROXY_WEIGHT,
    SOCIAL_QUALITY,
    TAGS,
    Catalogue,
    CumulationDomain,
    Dimension,
    Direction,
    Indicator,
    PriceIndex,
    SocialQuality,
    Tag,
    Unit,
    UnknownIndicator,
    statline_base_name,
)
from wijkkompas.errors import WijkkompasError

__all__ = [
    "CUMULATION_DOMAINS",
    "DIMENSIONS",
    "PROXY_WEIGHT",
    "SOCIAL_QUALITY",
    "TAGS",
    "Catalogue",
    "CumulationDomain",
    "Dimension",
    "Direction",
    "Indicator",
    "PriceIndex",
    "SocialQuality",
    "Tag",
    "Unit",
    "UnknownIndicator",
    "catalogue_from_dict",
    "load_catalogue",
    "shipped_reference",
    "statline_base_name",
]

DEFAULT_NAME = "default.toml"
REFERENCES = "references"
"""Folder beside the catalogue holding the reference fitted for it, one JSON per version."""


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate a catalogue; the packaged default when ``path`` is None."""
    if path is None:
        source = f"the packaged catalogue {DEFAULT_NAME}"
        text = (
            resources.files("wijkkompas.catalogue")
            .joinpath(DEFAULT_NAME)
            .read_text(encoding="utf-8")
        )
    else:
        source = f"the catalogue file {path}"
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise WijkkompasError(
                f"Cannot read {source}: {exc.strerror or exc}. Check the path and try again."
            ) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WijkkompasError(
            f"{source[0].upper()}{source[1:]} is not valid TOML: {exc}. Fix the file and try again."
        ) from None
    return catalogue_from_dict(raw, source=source)


def catalogue_from_dict(raw: dict[str, Any], source: str = "the catalogue") -> Catalogue:
    """Validate parsed catalogue content, turning schema errors into one readable message."""
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as exc:
        problems = [_describe(error, raw) for error in exc.errors()]
        raise WijkkompasError(
            f"{source[0].upper()}{source[1:]} does not match the catalogue schema: "
            + "; ".join(problems)
            + ". Fix the file and try again."
        ) from None


def _describe(error: Any, raw: dict[str, Any]) -> str:
    """Name the indicator (by id, else by position) and the field a pydantic error is about."""
    loc = list(error.get("loc", ()))
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    where = "catalogue"
    if len(loc) >= 2 and loc[0] == "indicators" and isinstance(loc[1], int):
        indicators = raw.get("indicators") or []
        entry = indicators[loc[1]] if loc[1] < len(indicators) else {}
        ident = entry.get("id") if isinstance(entry, dict) else None
        where = f"indicator '{ident}'" if ident else f"indicator number {loc[1] + 1}"
        fields = [str(part) for part in loc[2:]]
        if fields:
            where += f", field {'.'.join(fields)}"
    elif loc:
        where = f"field {'.'.join(str(part) for part in loc)}"
    return f"{where}: {message}"


def shipped_reference(catalogue: Catalogue) -> str | None:
    """The JSON of the reference fitted for this catalogue and shipped with wijkkompas, or None.

    It fits only a catalogue with the same scoring content (``scoring_sha256``): a user's own
    catalogue, or one whose indicators or weights changed, needs a reference fitted on purpose.
    """
    folder = resources.files("wijkkompas.catalogue").joinpath(REFERENCES)
    candidate = folder.joinpath(f"nl-{catalogue.version}.json")
    if not candidate.is_file():
        return None
    text = candidate.read_text(encoding="utf-8")
    if catalogue.scoring_sha256 not in text[:4096]:
        return None
    return text
