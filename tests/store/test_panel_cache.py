"""The panel kept beside the store: a later process reads exactly what a read of the store gives,
only while the figures are the same, and a damaged or unwritable cache costs time, never a
result or an error."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wijkkompas.catalogue import load_catalogue
from wijkkompas.demo import build_demo_batch
from wijkkompas.index import score
from wijkkompas.index.engine import options_of
from wijkkompas.services import panel, references, scoring
from wijkkompas.store import AnalyticStore, panel_cache

PANEL_ARRAYS = ("years", "values", "population", "periods", "sources")


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> AnalyticStore:
    """A private copy of the demo store (its figures version included), without a cache."""
    path = tmp_path / "wijkkompas.duckdb"
    shutil.copy2(demo_store, path)
    return AnalyticStore(path)


def entries(store: AnalyticStore) -> list[str]:
    panel_cache.finish_saving()  # what a later process sees: this one has finished writing
    folder = panel_cache.cache_dir(store.path)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def read_in_a_new_process(store: AnalyticStore) -> scoring.PanelRead:
    """What a new process reads: nothing in memory yet."""
    panel_cache.finish_saving()  # the process before has exited, so it finished writing
    panel._panels.clear()
    return panel.read_panel(store)


def assert_same(kept: scoring.PanelRead, fresh: scoring.PanelRead) -> None:
    (panel, names, selection), (panel2, names2, selection2) = kept, fresh
    pd.testing.assert_frame_equal(panel.regions, panel2.regions)
    assert panel.indicators == panel2.indicators
    assert panel.source_names == panel2.source_names
    for name in PANEL_ARRAYS:
        np.testing.assert_array_equal(getattr(panel, name), getattr(panel2, name), err_msg=name)
    pd.testing.assert_frame_equal(names, names2)
    pd.testing.assert_frame_equal(selection.figures, selection2.figures)
    for name in ("conflicts", "converted", "code_breaks"):
        pd.testing.assert_frame_equal(getattr(selection, name), getattr(selection2, name))


def test_a_later_process_reads_the_kept_panel_and_scores_the_same(store: AnalyticStore) -> None:
    first = read_in_a_new_process(store)
    assert len(entries(store)) == 1
    kept = read_in_a_new_process(store)
    assert isinstance(kept[2], panel_cache.CachedSelection)
    assert_same(kept, first)
    catalogue = load_catalogue()
    reference = references.resolve_reference(store, catalogue)
    options = options_of(reference)
    pd.testing.assert_frame_equal(
        score(kept[0], catalogue, reference, options).scores,
        score(first[0], catalogue, reference, options).scores,
    )


def test_a_saved_run_keeps_the_panel_and_an_import_replaces_it(store: AnalyticStore) -> None:
    read_in_a_new_process(store)
    before = entries(store)
    scoring.run_index(store, draws=0, save=True)
    assert entries(store) == before  # a run adds no figures: the kept panel still holds
    with store.reader() as reader:
        version = reader.figures_version()
    store.import_batch(build_demo_batch(seed=7))  # other figures for the same buurten
    with store.reader() as reader:
        assert reader.figures_version() != version
    fresh = read_in_a_new_process(store)
    after = entries(store)
    assert len(after) == 1 and after != before  # the old figures' panel is gone
    assert_same(read_in_a_new_process(store), fresh)
    plain = panel.read_panel(store, plain=True)
    np.testing.assert_array_equal(fresh[0].values, plain[0].values)


def test_one_panel_is_kept_whatever_made_the_others_stale(
    store: AnalyticStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New code (an upgrade) under the same figures makes a new entry and removes the old."""
    read_in_a_new_process(store)
    (before,) = entries(store)
    monkeypatch.setattr(panel_cache, "_code_digest", lambda: "f" * 64)
    read_in_a_new_process(store)
    (after,) = entries(store)
    assert after != before and "-ffffffffffffffff-" in after


def test_a_damaged_cache_is_read_around(store: AnalyticStore) -> None:
    fresh = read_in_a_new_process(store)
    (entry,) = entries(store)
    arrays = panel_cache.cache_dir(store.path) / entry / "panel.npz"
    arrays.write_bytes(arrays.read_bytes()[:100])
    assert_same(read_in_a_new_process(store), fresh)


def test_figures_damaged_after_the_panel_was_read_come_from_the_store(
    store: AnalyticStore,
) -> None:
    fresh = read_in_a_new_process(store)
    kept = read_in_a_new_process(store)
    (entry,) = entries(store)
    (panel_cache.cache_dir(store.path) / entry / "figures.arrow").write_bytes(b"damaged")
    pd.testing.assert_frame_equal(kept[2].figures, fresh[2].figures)


def test_an_unwritable_folder_costs_only_time(store: AnalyticStore) -> None:
    panel_cache.cache_dir(store.path).write_text("not a folder")  # mkdir below it fails
    fresh = panel._read_panel(store, None, load_catalogue(), False)
    assert_same(read_in_a_new_process(store), fresh)
    assert panel_cache.cache_dir(store.path).is_file()


def test_a_panel_is_kept_only_under_its_code_and_catalogue_and_never_at_a_path_a_store_names() -> (
    None
):
    name = panel_cache.entry_name("v1", "c" * 64)
    assert name is not None and name.startswith("v1-cccccccccccccccc-")
    assert name != panel_cache.entry_name("v1", "d" * 64)
    assert name != panel_cache.entry_name("v2", "c" * 64)
    assert panel_cache.entry_name("../../elsewhere", "c" * 64) is None


def test_the_panel_is_kept_on_a_thread_while_the_process_goes_on(
    store: AnalyticStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first read after an import does not wait for the cache to be written; the entry
    appears whole once the writing thread is done, and a process waits for it before exiting
    (the thread is not a daemon)."""
    import threading

    release = threading.Event()
    save = panel_cache.save

    def slow_save(*args: object) -> None:
        release.wait(timeout=30)
        save(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(panel_cache, "save", slow_save)
    panel._panels.clear()
    panel.read_panel(store)  # returns while the save waits
    folder = panel_cache.cache_dir(store.path)
    assert not folder.is_dir() or not [p for p in folder.iterdir() if not p.name.startswith(".")]
    (thread,) = [t for t in threading.enumerate() if t.name == "panel-cache-save"]
    assert not thread.daemon
    release.set()
    assert len(entries(store)) == 1
