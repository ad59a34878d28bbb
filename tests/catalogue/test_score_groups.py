"""The score groups are listed once (``catalogue.score_groups``); every other list agrees."""

from __future__ import annotations

from typing import get_args

from wijkkompas.catalogue import load_catalogue
from wijkkompas.catalogue.schema import Dimension, SocialQuality
from wijkkompas.catalogue.score_groups import (
    CONDITION_TAGS,
    DIMENSION_TAGS,
    GROUP_KEYS,
    KEY_OF_TAG,
    SCORE_GROUPS,
    SCORE_KEYS,
    TOTAL,
)
from wijkkompas.index.spec import GROUP_NAMES, GROUPS, PHYSICAL, SOCIAL_QUALITY


def test_the_engine_scores_the_groups_of_the_table_in_its_order() -> None:
    assert GROUPS == GROUP_KEYS == tuple(g.key for g in SCORE_GROUPS)
    assert tuple(g.key for g in SCORE_GROUPS if g.kind == "dimension") == PHYSICAL
    assert tuple(g.key for g in SCORE_GROUPS if g.kind == "condition") == SOCIAL_QUALITY
    assert list(GROUP_NAMES) == ["total", *GROUP_KEYS]


def test_the_catalogue_types_accept_exactly_the_tags_of_the_table() -> None:
    # The Literal types are written out for the type checker; they must name the same tags.
    assert get_args(Dimension) == DIMENSION_TAGS
    assert get_args(SocialQuality) == CONDITION_TAGS


def test_every_tag_in_the_shipped_catalogue_is_a_group_of_the_table() -> None:
    catalogue = load_catalogue()
    used = {i.dimension for i in catalogue.indicators if i.dimension} | {
        i.social_quality for i in catalogue.indicators if i.social_quality
    }
    assert used == set(KEY_OF_TAG)


def test_the_api_publishes_the_score_names_of_the_table() -> None:
    from wijkkompas.web.apps.monitor.api.schemas import ScoreNaam

    assert get_args(ScoreNaam) == SCORE_KEYS


def test_the_index_csv_has_a_column_per_group_after_total_class_and_decile() -> None:
    from wijkkompas.services.scoring import INDEX_COLUMNS

    start = INDEX_COLUMNS.index("decile") + 1
    assert INDEX_COLUMNS[:start] == ["code", "name", "level", "year", "total", "class", "decile"]
    assert tuple(INDEX_COLUMNS[start : start + len(GROUP_KEYS)]) == GROUP_KEYS


def test_every_group_has_its_own_name_in_both_languages() -> None:
    groups = (TOTAL, *SCORE_GROUPS)
    assert len({g.label_nl for g in groups}) == len({g.label_en for g in groups}) == len(groups)
    assert len({g.key for g in groups}) == len({g.tag for g in groups}) == len(groups)


def test_plans_and_reports_label_the_groups_as_the_table_does() -> None:
    from wijkkompas.reports.measures import MEASURES
    from wijkkompas.web.apps.plans.labels import DIMENSION_LABELS, SOCIAL_QUALITY_LABELS

    assert {k: str(v) for k, v in DIMENSION_LABELS.items()} == {
        g.tag: g.label_nl for g in SCORE_GROUPS if g.kind == "dimension"
    }
    assert list(SOCIAL_QUALITY_LABELS) == list(CONDITION_TAGS)
    assert [(m.key, m.group) for m in MEASURES] == [(g.key, g.kind) for g in (TOTAL, *SCORE_GROUPS)]
