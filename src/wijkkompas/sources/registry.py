"""The loaders wijkkompas knows, by the key ``--source`` accepts, in the order auto-detection tries them."""

from __future__ import annotations

import importlib

from wijkkompas.sources.base import Loader, SourceError

# key -> module; each module exposes LOADER. Order matters for auto-detection: specific formats
# (crime, SES-WOA, nabijheid, Leefbaarometer) are tried before the general KWB/StatLine ones.
LOADER_MODULES: dict[str, str] = {
    "boundaries": "wijkkompas.sources.boundaries",
    "crosswalk": "wijkkompas.sources.crosswalk",
    "crime": "wijkkompas.sources.politie",
    "ses-woa": "wijkkompas.sources.ses_woa",
    "nabijheid": "wijkkompas.sources.nabijheid",
    "leefbaarometer": "wijkkompas.sources.leefbaarometer",
    "kwb": "wijkkompas.sources.cbs_kwb",
    "statline": "wijkkompas.sources.statline",
}


def available() -> dict[str, Loader]:
    """The loaders that are installed (a module that is not written yet is simply absent)."""
    loaders: dict[str, Loader] = {}
    for key, module_name in LOADER_MODULES.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        loaders[key] = module.LOADER
    return loaders


def get(key: str) -> Loader:
    loaders = available()
    if key not in loaders:
        raise SourceError(
            f"Unknown source '{key}'. Choose one of: {', '.join(sorted(loaders))}, or auto."
        )
    return loaders[key]


def detect(name: str, head: bytes) -> Loader:
    """The first loader that recognises the file, or a message saying how to choose one."""
    for loader in available().values():
        if loader.sniff(name, head):
            return loader
    raise SourceError(
        f"{name}: wijkkompas does not recognise this file. Is it a CBS export (KWB, StatLine "
        "CSV/JSON, boundaries, nabijheid, SES-WOA, crime) or a Leefbaarometer file? If it is, "
        "name the source with --source; if its columns were renamed, add --mapping FILE."
    )
