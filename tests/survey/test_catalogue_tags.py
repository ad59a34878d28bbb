"""Survey and participation indicators are in the catalogue, tagged, and not scored by default."""

from __future__ import annotations

import hashlib
import json

from wijkkompas.catalogue import load_catalogue
from wijkkompas.index.spec import IndexSpec


def test_tagged_indicators_carry_their_condition_or_dimension() -> None:
    catalogue = load_catalogue()
    tagged = [i for i in catalogue.indicators if i.tags]
    assert {t for i in tagged for t in i.tags} == {"survey", "participation"}
    groups = {i.social_quality for i in tagged} | {i.dimension for i in tagged}
    assert {"social_cohesion", "social_empowerment", "nuisance_safety"} <= groups
    assert all(i.direction == "higher_is_better" for i in tagged)


def test_the_index_leaves_tagged_indicators_out_unless_asked() -> None:
    catalogue = load_catalogue()
    default = IndexSpec.from_catalogue(catalogue)
    assert not any(i.startswith(("survey_", "participation_")) for i in default.ids)
    with_survey = IndexSpec.from_catalogue(catalogue, include_tags=("survey",))
    added = set(with_survey.ids) - set(default.ids)
    assert added and all(i.startswith("survey_") for i in added)


def test_age_and_sex_structure_is_context_with_kwb_and_statline_names() -> None:
    catalogue = load_catalogue()
    for indicator_id, kwb, statline in [
        ("age_00_14", "a_00_14", "k_0Tot15Jaar"),
        ("age_15_24", "a_15_24", "k_15Tot25Jaar"),
        ("age_25_44", "a_25_44", "k_25Tot45Jaar"),
        ("age_45_64", "a_45_64", "k_45Tot65Jaar"),
        ("age_65_plus", "a_65_oo", "k_65JaarOfOuder"),
        ("men", "a_man", "Mannen"),
        ("women", "a_vrouw", "Vrouwen"),
    ]:
        indicator = catalogue.by_id(indicator_id)
        assert indicator.direction == "context" and indicator.unit == "count"
        assert catalogue.by_kwb_name(kwb) is indicator
        assert catalogue.by_statline_base(statline + "_8") is indicator


def test_catalogues_without_tags_keep_their_hash() -> None:
    catalogue = load_catalogue()
    plain = catalogue.model_copy(
        update={"indicators": [i for i in catalogue.indicators if not i.tags]}
    )
    dumped = plain.model_dump(mode="json")
    assert all("tags" in i for i in dumped["indicators"])  # the field exists ...
    # ... but an empty tag list is not part of the hash, so older catalogues hash as before.
    without = [{k: v for k, v in i.items() if k != "tags"} for i in dumped["indicators"]]
    canonical = json.dumps(
        {**dumped, "indicators": without}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert plain.sha256 == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
