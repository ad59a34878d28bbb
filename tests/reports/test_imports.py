"""Importing a report module imports no Django: Django is called when a report is made.

Each module is imported in a fresh interpreter (this one has Django loaded by pytest-django).
The words and markup that need Django go through :mod:`wijkkompas.reports.deferred`, and the
lazily translated names in :mod:`wijkkompas.reports.measures` are made on first use.
"""

from __future__ import annotations

import importlib.util
import pkgutil
import subprocess
import sys

import pytest


def _report_modules() -> list[str]:
    spec = importlib.util.find_spec("wijkkompas.reports")
    assert spec is not None and spec.submodule_search_locations
    names = [
        f"wijkkompas.reports.{info.name}"
        for info in pkgutil.iter_modules(list(spec.submodule_search_locations))
    ]
    return ["wijkkompas.reports", *sorted(names)]


MODULES = _report_modules()


def test_every_module_is_walked() -> None:
    # Guards the walk itself: an empty list would make every test below pass.
    assert {"wijkkompas.reports.profile", "wijkkompas.reports.charts"} <= set(MODULES)
    assert len(MODULES) >= 10


@pytest.mark.parametrize("module", MODULES)
def test_importing_a_report_module_imports_no_django(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]", f"{module} imports {result.stdout.strip()}"


def test_the_lazy_names_are_django_lazy_translations_made_once() -> None:
    """``MEASURES`` and the label tables are still Django's lazy strings (said in the language
    active where they are shown), the same objects on every use."""
    from django.utils import translation
    from django.utils.functional import Promise

    from wijkkompas import reports
    from wijkkompas.reports import measures

    assert reports.MEASURES is measures.MEASURES is measures.all_measures()
    assert measures.BY_KEY["total"] is measures.MEASURES[0]
    assert all(isinstance(m.label, Promise) for m in measures.MEASURES)
    assert isinstance(measures.CLASS_LABELS[1], Promise)
    with translation.override("nl"):
        assert str(measures.CLASS_LABELS[9]) == "uitstekend"
        assert measures.class_label(3.0) == "onvoldoende"
    with pytest.raises(AttributeError):
        measures.NOT_A_NAME  # noqa: B018
