"""Files uploaded for an import: untrusted input, so kept small, private and briefly.

* **Size**: the view refuses a request whose ``Content-Length`` is over
  ``WIJKKOMPAS_UPLOAD_MAX_MB`` before anything is read; :class:`PrivateUploadHandler` counts
  again as the bytes stream in and stops at the same limit (a request without a length).
* **Where**: straight into a folder of its own (mode 0700) under ``WIJKKOMPAS_UPLOAD_DIR``,
  each file under a generated name (32 hex digits), created exclusively with mode 0600. The
  name the browser sent is never part of a path: it is cleaned (:func:`clean_name`) and kept
  only as a label, because loaders recognise a file and its year by it, as on the command line.
* **How long**: a failed import's files are deleted when it ends, and so are those of one
  that matched every column. The files of an import with unmatched columns are kept so that
  the analyst can import them again with a mapping, until that re-import, the next import, or
  :data:`KEEP_FOR`, whichever comes first (:func:`tidy`).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers, StopUpload

KEEP_FOR = 24 * 60 * 60
"""Seconds the files of an import with unmatched columns are kept for a re-import."""
PREFIX = "upload-"
MAX_NAME = 120
_UNSAFE = re.compile(r"[^\w.+()\- ]")


def clean_name(raw: str) -> str:
    """The file's own name as a label: its last path part, letters, digits and ``._-+() ``
    only, no leading dot, at most :data:`MAX_NAME` characters (the extension kept)."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix[:10]
    stem = stem[: MAX_NAME - len(suffix) - 1].strip(" .") or "bestand"
    return f"{stem}.{suffix}" if suffix else stem


def root() -> Path:
    folder = Path(settings.WIJKKOMPAS_UPLOAD_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def new_folder() -> Path:
    """A private folder for one upload (0700, a random name)."""
    return Path(tempfile.mkdtemp(prefix=PREFIX, dir=root()))


def remove(folder: str | Path | None) -> None:
    """Delete one upload folder, only ever one directly inside :func:`root`."""
    if not folder:
        return
    path = Path(folder)
    if path.parent.resolve() != root().resolve() or not path.name.startswith(PREFIX):
        raise ValueError(f"{path} is not an upload folder")
    shutil.rmtree(path, ignore_errors=True)


def tidy(keep: Iterable[str | Path]) -> list[Path]:
    """Delete every upload folder older than :data:`KEEP_FOR` that is not in ``keep``: those of
    imports long done, and any a crash left behind. Returns what was deleted."""
    folder = Path(settings.WIJKKOMPAS_UPLOAD_DIR)
    if not folder.is_dir():
        return []
    kept = {Path(p).resolve() for p in keep if p}
    cutoff = time.time() - KEEP_FOR
    removed = []
    for path in folder.iterdir():
        if not path.name.startswith(PREFIX) or path.resolve() in kept:
            continue
        try:
            old = path.stat().st_mtime < cutoff
        except FileNotFoundError:
            continue
        if old:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


class StoredUpload(UploadedFile):
    """An uploaded file as written by :class:`PrivateUploadHandler`: a path and a label."""

    def __init__(self, path: Path, name: str, size: int, content_type: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.path = path

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


class PrivateUploadHandler(FileUploadHandler):
    """Writes every uploaded file into ``folder`` under a generated name, and stops the upload
    once all files together pass ``limit`` bytes (``exceeded`` then says so)."""

    def __init__(self, request: Any, folder: Path, limit: int) -> None:
        super().__init__(request)
        self.folder = folder
        self.limit = limit
        self.total = 0
        self.exceeded = False
        self._out: Any = None
        self._path: Path | None = None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._path = self.folder / secrets.token_hex(16)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        self._out = os.fdopen(os.open(self._path, flags, 0o600), "wb")
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.total += len(raw_data)
        if self.total > self.limit:
            self.exceeded = True
            self._close()
            raise StopUpload(connection_reset=True)
        self._out.write(raw_data)

    def file_complete(self, file_size: int) -> StoredUpload | None:
        self._close()
        if self._path is None:
            return None
        path, self._path = self._path, None
        return StoredUpload(path, clean_name(self.file_name or ""), file_size, self.content_type)

    def upload_interrupted(self) -> None:
        self._close()

    def _close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
