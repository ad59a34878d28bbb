"""Where wijkkompas keeps its files when the user does not say.

Everything that is built or written at run time (the analytic store, the app database, collected
static files) lives under one ``var/`` folder: in a source checkout that is ``<checkout>/var``, for
an installed package ``./var`` in the working directory. ``WIJKKOMPAS_VAR_DIR`` moves it.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path | None:
    """The source checkout this package runs from, if any (the folder with pyproject.toml)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "wijkkompas").is_dir():
            return parent
    return None


def var_dir() -> Path:
    configured = os.environ.get("WIJKKOMPAS_VAR_DIR")
    if configured:
        return Path(configured)
    root = project_root()
    return (root if root else Path.cwd()) / "var"


def default_store() -> Path:
    """The analytic store used when neither ``--store`` nor ``WIJKKOMPAS_STORE`` is given."""
    configured = os.environ.get("WIJKKOMPAS_STORE")
    return Path(configured) if configured else var_dir() / "wijkkompas.duckdb"
