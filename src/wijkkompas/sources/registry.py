"""The loaders wijkkompas knows, by the key ``--source`` accepts, in the order auto-detection tries them."""

from __future__ import annotations

import importlib
import json
import logging
import zipfile
from dataclasses import dataclass
from typing import Any

import pandas as pd

from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.store.batch import ImportBatch

log = logging.getLogger(__name__)

# What parsing libraries raise on damaged input. A loader should catch these itself and say
# more; this list is the net under it, so a damaged file never reaches the user as a traceback.
_PARSE_FAILURES: tuple[type[BaseException], ...] = (
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    UnicodeError,
    EOFError,
    zipfile.BadZipFile,
    json.JSONDecodeError,
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
    OverflowError,
)


@dataclass(frozen=True)
class GuardedLoader:
    """A loader whose unexpected parse failures become a clear :class:`SourceError`."""

    inner: Any

    @property
    def key(self) -> str:
        return str(self.inner.key)

    @property
    def description(self) -> str:
        return str(self.inner.description)

    def sniff(self, name: str, head: bytes) -> bool:
        try:
            return bool(self.inner.sniff(name, head))
        except _PARSE_FAILURES:
            return False

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        try:
            batch: ImportBatch = self.inner.load(data, name, catalogue, options)
        except WijkkompasError:
            raise
        except _PARSE_FAILURES as exc:
            log.info("loader %s failed on %s", self.key, name, exc_info=True)
            raise SourceError(
                f"{name}: the file could not be read as {self.description} "
                f"({type(exc).__name__}: {exc}). It may be damaged, cut short or of another "
                "kind: download it again, or name the right kind with --source."
            ) from exc
        return batch


# key -> module; each module exposes LOADER. Order matters for auto-detection: specific formats
# (crime, SES-WOA, nabijheid, Leefbaarometer) are tried before the general KWB/StatLine ones.
# Survey results go first: their header is unmistakable and a file name may say anything.
LOADER_MODULES: dict[str, str] = {
    "survey": "wijkkompas.sources.survey",
    "boundaries": "wijkkompas.sources.boundaries",
    "crosswalk": "wijkkompas.sources.crosswalk",
    "crime": "wijkkompas.sources.politie",
    "ses-woa": "wijkkompas.sources.ses_woa",
    "nabijheid": "wijkkompas.sources.nabijheid",
    "leefbaarometer": "wijkkompas.sources.leefbaarometer",
    "rivm": "wijkkompas.sources.rivm",
    "kwb-series": "wijkkompas.sources.kwb_series",
    # before kwb, which claims any file named ..._kwb_2016.csv by its name alone
    "statline-names": "wijkkompas.sources.statline_names",
    "kwb": "wijkkompas.sources.cbs_kwb",
    "statline": "wijkkompas.sources.statline",
}


def available() -> dict[str, GuardedLoader]:
    """The loaders that are installed (a module that is not written yet is simply absent)."""
    loaders: dict[str, GuardedLoader] = {}
    for key, module_name in LOADER_MODULES.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        loaders[key] = GuardedLoader(module.LOADER)
    return loaders


def get(key: str) -> GuardedLoader:
    loaders = available()
    if key not in loaders:
        raise SourceError(
            f"Unknown source '{key}'. Choose one of: {', '.join(sorted(loaders))}, or auto."
        )
    return loaders[key]


def detect(name: str, head: bytes) -> GuardedLoader:
    """The first loader that recognises the file, or a message saying how to choose one."""
    for loader in available().values():
        if loader.sniff(name, head):
            return loader
    raise SourceError(
        f"{name}: wijkkompas does not recognise this file. Is it a CBS export (KWB, StatLine "
        "CSV/JSON, boundaries, nabijheid, SES-WOA, crime), a Leefbaarometer file or survey "
        "results from `wijkkompas survey estimate`? If it is, "
        "name the source with --source; if its columns were renamed, add --mapping FILE."
    )
