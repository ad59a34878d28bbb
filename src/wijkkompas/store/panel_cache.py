"""The store's panel kept on disk beside it, so a command does not read eight million figures
that have not changed since the last command read them.

Reading a whole-country store of twelve years (choosing one figure per region, year and
indicator, building and deriving the panel) takes several seconds; loading the finished
arrays takes a tenth of one. The web keeps the panel in memory per store file; a command line
process starts empty, so the panel is also kept in a folder beside the store
(``.<store name>.panels/``) and every process can start from it.

**When is it still right?** Every write to the store that can change the figures (an import,
a deletion, a crosswalk) gives the store a new *figures version* (``meta``); saving an index
run or a reference does not. A cached panel is used only under the same figures version, the
same catalogue and the same code that built it (a digest of the source files that choose,
assemble and derive figures), so an upgrade or an edited derivation never reads an old panel.

**What if it is damaged or cannot be written?** It is a cache: a file that cannot be read is
ignored (the store is read as usual), and a folder that cannot be written (a read-only data
directory) only costs the time it would have saved. Entries are written to a temporary folder
and renamed into place, so a reader never sees half of one; one entry is kept (writing a new
one removes the others: older figures, another catalogue, older code).

Files are NumPy arrays (``allow_pickle=False``) and Arrow IPC tables: nothing in the cache is
executed when it is read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import threading
import uuid
import zipfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from wijkkompas.index.inputs import Selection
from wijkkompas.index.panel import Panel

log = logging.getLogger(__name__)

FORMAT = 1
"""Bumped when the layout of an entry changes."""

_PANEL_ARRAYS = ("values", "population", "periods", "sources")
_SELECTION_FRAMES = ("conflicts", "converted", "code_breaks")
_BUILT_BY = (
    "catalogue",
    "regions/crosswalk.py",
    "index/inputs.py",
    "index/panel.py",
    "services/panel.py",
    "store/figures.py",
    "store/panel.py",
    "store/panel_cache.py",
    "store/reader.py",
    "sources/priority.py",
)
"""The source files (or folders) whose code decides what a panel read from the store holds."""


Entry = tuple[Panel, pd.DataFrame, Selection]
_TOKEN = re.compile(r"[0-9A-Za-z]{1,64}")
UNREADABLE = (
    OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile, pa.ArrowException,
)  # fmt: skip
"""What a damaged or foreign entry raises when read (missing, truncated, not ours)."""


def cache_dir(store_path: Path) -> Path:
    return store_path.with_name(f".{store_path.name}.panels")


def entry_name(figures_version: str, catalogue_sha256: str) -> str | None:
    """The folder name of one panel: figures version, catalogue and code, each as a digest;
    None for a version that is not the plain token wijkkompas writes (a store file from
    elsewhere must not choose a path)."""
    if not _TOKEN.fullmatch(figures_version) or not _TOKEN.fullmatch(catalogue_sha256):
        return None
    code = _code_digest()
    return f"{figures_version}-{catalogue_sha256[:16]}-{code[:16]}-f{FORMAT}"


def load(
    store_path: Path, name: str, figures_elsewhere: Callable[[], pd.DataFrame]
) -> Entry | None:
    """The cached panel, names and selection, or None when there is none (or it is unusable).

    The selection's long table of figures is read when first asked for; should that file have
    been damaged since, ``figures_elsewhere`` gives them (from the store)."""
    folder = cache_dir(store_path) / name
    if not folder.is_dir():
        return None
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        with np.load(folder / "panel.npz", allow_pickle=False) as arrays:
            present = {key: arrays[key] for key in arrays.files}
        panel = Panel(
            _read_frame(folder / "regions.arrow"),
            present["years"],
            tuple(meta["indicators"]),
            present["values"],
            present.get("population"),
            present.get("periods"),
            present.get("sources"),
            tuple(meta["source_names"]),
        )
        names = _read_frame(folder / "names.arrow")
        frames = {key: _read_frame(folder / f"{key}.arrow") for key in _SELECTION_FRAMES}
        selection = CachedSelection(
            lambda: _figures(folder / "figures.arrow", figures_elsewhere),
            frames["conflicts"],
            frames["converted"],
            frames["code_breaks"],
        )
    except UNREADABLE as exc:
        log.warning("ignoring an unreadable panel cache %s: %s", folder, exc)
        return None
    return panel, names, selection


_saving: list[threading.Thread] = []
_saving_lock = threading.Lock()


def save_beside(store_path: Path, name: str, entry: Entry) -> None:
    """:func:`save` on a thread of its own, while the caller goes on scoring: writing a
    whole-country entry takes most of a second that the first command after an import would
    otherwise wait for. The thread is not a daemon, so the process finishes writing before it
    exits; the entry appears whole or not at all (see :func:`save`). The entry's arrays must
    not change meanwhile: a read panel is read-only for everyone (see ``monitor.read_panel``).
    """
    thread = threading.Thread(
        target=save, args=(store_path, name, entry), name="panel-cache-save", daemon=False
    )
    with _saving_lock:
        _saving[:] = [t for t in _saving if t.is_alive()]
        _saving.append(thread)
    thread.start()


def finish_saving() -> None:
    """Wait for the saves :func:`save_beside` started (a process exiting does this itself)."""
    with _saving_lock:
        pending, _saving[:] = list(_saving), []
    for thread in pending:
        thread.join()


def save(store_path: Path, name: str, entry: Entry) -> None:
    """Keep ``entry`` under ``name``; remove the entries of other figures versions. Never
    raises for a folder that cannot be written: the next read simply reads the store."""
    panel, names, selection = entry
    root = cache_dir(store_path)
    target = root / name
    if target.is_dir():
        return
    tmp = root / f".{uuid.uuid4().hex}.tmp"
    try:
        tmp.mkdir(parents=True)
        arrays = {"years": np.asarray(panel.years)}
        for key in _PANEL_ARRAYS:
            value = getattr(panel, key)
            if value is not None:
                arrays[key] = value
        np.savez(tmp / "panel.npz", **arrays)  # type: ignore[arg-type]
        meta = {"indicators": list(panel.indicators), "source_names": list(panel.source_names)}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        _write_frame(tmp / "regions.arrow", panel.regions)
        _write_frame(tmp / "names.arrow", names)
        # Read only by `validate`: compressed (a tenth of the size; a second to read).
        _write_frame(tmp / "figures.arrow", selection.figures, compression="zstd")
        for key in _SELECTION_FRAMES:
            _write_frame(tmp / f"{key}.arrow", getattr(selection, key))
        os.replace(tmp, target)
    except (OSError, ValueError, TypeError, pa.ArrowException) as exc:
        log.warning("could not keep the panel beside the store in %s: %s", root, exc)
        return
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for other in root.iterdir():  # one panel is kept: older figures, catalogues or code
        if other.is_dir() and other.name != name and not other.name.startswith("."):
            shutil.rmtree(other, ignore_errors=True)


class CachedSelection(Selection):
    """A selection whose long table of figures is read from the cache only when asked for (a
    scoring run needs the panel, not the eight million rows it was built from)."""

    def __init__(
        self,
        load_figures: Callable[[], pd.DataFrame],
        conflicts: pd.DataFrame,
        converted: pd.DataFrame,
        code_breaks: pd.DataFrame,
    ) -> None:
        self._load_figures: Callable[[], pd.DataFrame] | None = load_figures
        self._figures: pd.DataFrame | None = None
        self.conflicts = conflicts
        self.converted = converted
        self.code_breaks = code_breaks

    @property
    def figures(self) -> pd.DataFrame:
        if self._figures is None and self._load_figures is not None:
            self._figures, self._load_figures = self._load_figures(), None
        assert self._figures is not None
        return self._figures

    @figures.setter
    def figures(self, value: pd.DataFrame) -> None:
        self._figures, self._load_figures = value, None


def _figures(path: Path, elsewhere: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    try:
        return _read_frame(path)
    except UNREADABLE as exc:
        log.warning("ignoring an unreadable panel cache %s: %s", path, exc)
        return elsewhere()


def _write_frame(path: Path, frame: pd.DataFrame, compression: str | None = None) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=True)
    options = ipc.IpcWriteOptions(compression=compression)
    with (
        pa.OSFile(str(path), "wb") as sink,
        ipc.new_file(sink, table.schema, options=options) as writer,
    ):
        writer.write_table(table)


def _read_frame(path: Path) -> pd.DataFrame:
    with pa.memory_map(str(path)) as source:
        frame: pd.DataFrame = ipc.open_file(source).read_all().to_pandas()
    return frame


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A digest of the source files in ``_BUILT_BY`` (read once per process)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for part in _BUILT_BY:
        path = package / part
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(package)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()
