"""Compiling the translations: only ours, only when changed, never half a file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from wijkkompas.errors import WijkkompasError
from wijkkompas.web.i18n import LOCALE_DIR, compile_messages, stale_catalogues


@pytest.fixture
def locale_copy(tmp_path: Path) -> Path:
    target = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, target, ignore=shutil.ignore_patterns("*.mo"))
    return target


def test_compiles_each_catalogue_once(locale_copy: Path) -> None:
    written = compile_messages(locale_copy)
    assert sorted(p.parent.parent.name for p in written) == ["en", "nl"]
    assert all(p.stat().st_size > 0 for p in written)
    assert stale_catalogues(locale_copy) == []
    assert compile_messages(locale_copy) == []


def test_a_broken_catalogue_is_reported_and_leaves_nothing_behind(locale_copy: Path) -> None:
    po = locale_copy / "en" / "LC_MESSAGES" / "django.po"
    po.write_text(po.read_text() + '\nmsgid "kapot\nmsgstr "broken"\n')
    with pytest.raises(WijkkompasError, match="does not compile"):
        compile_messages(locale_copy)
    assert not list(po.parent.glob(".*.tmp"))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext")
def test_every_dutch_string_has_an_english_translation() -> None:
    po = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def _msgids(po_text: str) -> set[str]:
    """The msgids of a .po file (continuation lines joined), without the header entry."""
    ids: set[str] = set()
    for entry in po_text.split("\n\n"):
        lines = [line for line in entry.splitlines() if not line.startswith("#")]
        collecting, parts = False, []
        for line in lines:
            if line.startswith("msgid "):
                collecting, parts = True, [line[len("msgid ") :]]
            elif line.startswith('"') and collecting:
                parts.append(line)
            else:
                collecting = False
        text = "".join(part.strip()[1:-1] for part in parts)
        if text:
            ids.add(text)
    return ids


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_the_catalogue_has_every_string_in_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fails when a template or view gained a string that `makemessages` has not picked up."""
    from django.core.management import call_command

    web = tmp_path / "web"
    shutil.copytree(LOCALE_DIR.parent, web, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    shutil.rmtree(web / "locale")
    (web / "locale").mkdir()
    monkeypatch.chdir(web)
    call_command("makemessages", locale=["en"], verbosity=0)
    extracted = _msgids((web / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text())
    committed = _msgids((LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po").read_text())
    assert extracted - committed == set(), "run makemessages and translate the new strings"
