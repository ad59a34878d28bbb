"""Compiling the translations (``.po`` → ``.mo``) of the web app.

The ``.mo`` files are build artefacts, not committed. Django's ``compilemessages`` walks every
``locale`` folder under the working directory, which in a checkout includes the virtualenv's
copy of Django; this compiles only ours, and only what changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

from wijkkompas.errors import WijkkompasError

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def stale_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """The ``.po`` files whose ``.mo`` is missing or older."""
    stale = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def compile_messages(locale_dir: Path = LOCALE_DIR, force: bool = False) -> list[Path]:
    """Compile the catalogues that need it; return the ``.mo`` files written.

    Each file is written beside its target and renamed into place, so a server or a parallel
    test worker never reads half a catalogue.
    """
    todo = sorted(locale_dir.glob("*/LC_MESSAGES/*.po")) if force else stale_catalogues(locale_dir)
    if not todo:
        return []
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise WijkkompasError(
            "The translations cannot be compiled: the program msgfmt is missing. Install GNU "
            "gettext (Debian: apt-get install gettext) and try again."
        )
    written = []
    for po in todo:
        mo = po.with_suffix(".mo")
        tmp = mo.with_name(f".{mo.name}.{uuid.uuid4().hex}.tmp")
        result = subprocess.run(
            [msgfmt, "--check-format", "-o", str(tmp), str(po)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            tmp.unlink(missing_ok=True)
            raise WijkkompasError(
                f"The translation file {po} does not compile: {result.stderr.strip()}"
            )
        os.replace(tmp, mo)
        written.append(mo)
    return written
