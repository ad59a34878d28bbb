"""The resident survey: answered once per code, anonymous, weighted, suppressed below ten, and
published to the monitor through the importer — where felt and measured are compared."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.test import Client

from wijkkompas.services.felt import felt_and_measured
from wijkkompas.store import AnalyticStore
from wijkkompas.survey.questionnaire import STANDARD
from wijkkompas.web.apps.participation.models import Survey, SurveyMark, SurveyResponse
from wijkkompas.web.apps.participation.selectors import participation_figures as figure_selectors
from wijkkompas.web.apps.participation.selectors import surveys as survey_selectors
from wijkkompas.web.apps.participation.services import codes, participation_figures, surveys

pytestmark = pytest.mark.django_db
BUURTEN = ["BU99990101", "BU99990102", "BU99990103", "BU99990104"]


@pytest.fixture
def own_store(settings, demo_store: Path, tmp_path: Path) -> AnalyticStore:
    """A private copy of the demo store with its saved index run: publishing writes to it."""
    copy = tmp_path / "store.duckdb"
    shutil.copy(demo_store, copy)
    settings.WIJKKOMPAS_STORE = copy
    return AnalyticStore(copy)


def _survey() -> Survey:
    return Survey.objects.create(title="Enquête", area_code="WK999901", year=2026, is_open=True)


def _answers(mark: int) -> dict[str, int | None]:
    return {q.id: (mark if q.id == "buurt_mark" else q.scale.values[-1]) for q in STANDARD}


def test_a_resident_answers_once_and_the_answers_carry_no_code() -> None:
    survey = _survey()
    codes.add_known_code(code="SURV-TEST-0001", area_code="BU99990101", batch="t")
    client = Client()
    client.post("/meedoen/code/", {"code": "SURV-TEST-0001"})
    url = f"/meedoen/enquetes/{survey.pk}/"
    page = client.get(url).content.decode()
    assert "Ik voel me veilig in mijn buurt." in page
    form = {q.id: str(q.scale.values[0]) for q in STANDARD} | {"age_group": "25-44"}
    assert client.post(url, form).status_code == 302
    assert "al ingevuld" in client.get(url).content.decode()
    response = SurveyResponse.objects.get()
    assert response.area_code == "BU99990101" and not response.via_open_link
    assert {f.name for f in SurveyResponse._meta.get_fields()} == {
        "id", "survey", "area_code", "age_group", "sex", "answers", "via_open_link",
    }  # fmt: skip
    assert SurveyMark.objects.count() == 1


def test_a_bad_answer_is_refused_with_a_message_and_nothing_is_stored() -> None:
    survey = _survey()
    client = Client()
    url = f"/meedoen/enquetes/{survey.pk}/open/{survey.link_token}/"
    assert client.get(url).status_code == 404  # the open link is off for this survey
    Survey.objects.filter(pk=survey.pk).update(open_link=True)
    refused = client.post(url, {"area_code": "BU99990101", "buurt_mark": "11"})
    assert refused.status_code == 400
    assert "past niet bij de vraag" in refused.content.decode()
    assert client.post(url, {"area_code": "BU12345678", "buurt_mark": "7"}).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_results_are_weighted_and_hidden_below_ten_respondents() -> None:
    survey = _survey()
    for _n in range(12):
        surveys.answer(
            survey=survey, code=None, area_code=BUURTEN[0], age_group="25-44", sex="vrouw",
            answers=_answers(8),
        )  # fmt: skip
    for _n in range(4):
        surveys.answer(
            survey=survey, code=None, area_code=BUURTEN[1], age_group=None, sex=None,
            answers=_answers(3),
        )  # fmt: skip
    for _n in range(10):
        surveys.answer(
            survey=survey, code=None, area_code=BUURTEN[2], age_group="65+", sex="man",
            answers=_answers(6),
        )  # fmt: skip
    results = {(e.region_code, e.indicator_id): e for e in survey_selectors.results(survey)}
    shown = results[(BUURTEN[0], "survey_buurt_mark")]
    assert not shown.suppressed and shown.value == pytest.approx(8.0)
    assert shown.weighted
    assert results[(BUURTEN[1], "survey_buurt_mark")].suppressed  # 4 respondents
    # Hidden as well: otherwise the wijk minus the shown buurten would reveal the hidden one.
    assert results[(BUURTEN[2], "survey_buurt_mark")].suppressed
    Survey.objects.filter(pk=survey.pk).update(is_open=False)  # results show once closed
    page = Client().get(f"/meedoen/enquetes/{survey.pk}/resultaten/").content.decode()
    assert "niet getoond (te weinig antwoorden)" in page
    assert ">3,0<" not in page and ">3.0<" not in page


def _twelve_answers(survey: Survey) -> None:
    for _n in range(12):
        surveys.answer(
            survey=survey, code=None, area_code=BUURTEN[0], age_group="25-44", sex="vrouw",
            answers=_answers(8),
        )  # fmt: skip


def _organiser() -> Client:
    from wijkkompas.web.apps.accounts import roles
    from wijkkompas.web.apps.accounts import services as accounts

    person = accounts.create_person(username="organisator", password="x-Long-password-1")
    accounts.grant_role(user=person.user, role=roles.COORDINATOR, area_code="WK999901")
    client = Client()
    client.force_login(person.user)
    return client


def test_results_stay_hidden_while_the_survey_is_open() -> None:
    """Issue 17 (13): results seen while answering steer the answers still to come."""
    survey = _survey()
    _twelve_answers(survey)
    url = f"/meedoen/enquetes/{survey.pk}/resultaten/"
    page = Client().get(url).content.decode()
    assert "als de enquête gesloten is" in page
    assert "Uitkomsten per gebied en vraag" not in page and ">8,0<" not in page
    organiser = _organiser()
    own = organiser.get(url).content.decode()
    assert "Uitkomsten per gebied en vraag" in own and ">8,0<" in own
    assert "Alleen voor u zichtbaar" in own  # the organiser follows along
    assert (
        organiser.post(f"/meedoen/enquetes/{survey.pk}/beheer/", {"is_open": "0"}).status_code
        == 302
    )
    assert ">8,0<" in Client().get(url).content.decode()


def test_the_organiser_may_show_results_while_the_survey_is_open() -> None:
    survey = _survey()
    _twelve_answers(survey)
    organiser = _organiser()
    response = organiser.post(f"/meedoen/enquetes/{survey.pk}/beheer/", {"results_while_open": "1"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.is_open and survey.results_while_open
    page = Client().get(f"/meedoen/enquetes/{survey.pk}/resultaten/").content.decode()
    assert ">8,0<" in page


def test_hidden_results_are_not_published_to_the_monitor(own_store: AnalyticStore) -> None:
    from wijkkompas.errors import WijkkompasError

    survey = _survey()
    _twelve_answers(survey)
    with pytest.raises(WijkkompasError, match="gesloten"):
        surveys.publish_to_monitor(survey, actor=None)
    with own_store.reader() as reader:
        stored = reader.observations(indicator_ids=["survey_buurt_mark"], region_codes=BUURTEN)
    assert stored.empty


def test_published_results_reach_the_monitor_and_show_where_felt_and_measured_differ(
    own_store: AnalyticStore,
) -> None:
    survey = _survey()
    for k, buurt in enumerate(BUURTEN):
        for _n in range(10):
            surveys.answer(
                survey=survey, code=None, area_code=buurt, age_group="45-64", sex="man",
                answers=_answers(9 - 2 * k),
            )  # fmt: skip
    survey.is_open = False
    survey.save(update_fields=["is_open"])
    assert surveys.publish_to_monitor(survey, actor=None) > 0
    with own_store.reader() as reader:
        stored = reader.observations(indicator_ids=["survey_buurt_mark"], region_codes=BUURTEN)
    assert sorted(stored["value"].round(1)) == [3.0, 5.0, 7.0, 9.0]
    compared = felt_and_measured(own_store, "GM9999")
    assert compared.period == "2026" and len(compared.divergences) == 4
    assert all(d.reason_nl for d in compared.divergences)
    page = Client().get("/meedoen/gevoeld-en-gemeten/?gemeente=GM9999").content.decode()
    assert "Rapportcijfer bewoners" in page
    assert Client().get("/meedoen/gevoeld-en-gemeten/?gemeente=GM0000").status_code == 404


def test_participation_counts_reach_the_monitor_suppressed_below_ten(
    own_store: AnalyticStore,
) -> None:
    from wijkkompas.web.apps.participation.services import initiatives

    people = []
    for n in range(12):
        codes.add_known_code(code=f"PART-TEST-{n:04d}", area_code=BUURTEN[0], batch="t")
        redeemed = codes.redeem(f"PART-TEST-{n:04d}")
        assert redeemed is not None
        people.append(redeemed)
    first = initiatives.submit(
        user=people[0].user, code=people[0].code, title="T", text="T", area_code=BUURTEN[0]
    )
    for person in people[1:]:
        initiatives.support(initiative=first, user=person.user, code=person.code)
    estimates, _year = figure_selectors.figures(first.created_at.year)
    by_key = {(e.region_code, e.indicator_id): e for e in estimates}
    assert by_key[(BUURTEN[0], "participation_participants")].value == 12
    assert participation_figures.publish_to_monitor(first.created_at.year) > 0
    with own_store.reader() as reader:
        stored = reader.observations(
            indicator_ids=["participation_participants"], region_codes=[BUURTEN[0]]
        )
    assert stored["value"].tolist() == [12.0]


def test_survey_answers_through_the_open_link_count_as_participants() -> None:
    """Issue 16: /meedoen/deelname/ said "fewer than 10 participants" in a buurt where the
    survey had 43 respondents, while its introduction says survey answers count."""
    survey = _survey()
    for _ in range(11):
        surveys.answer(
            survey=survey, code=None, area_code=BUURTEN[1], age_group=None, sex=None,
            answers=_answers(7),
        )  # fmt: skip
    codes.add_known_code(code="OPEN-TEST-0001", area_code=BUURTEN[1], batch="t")
    redeemed = codes.redeem("OPEN-TEST-0001")
    assert redeemed is not None
    surveys.answer(
        survey=survey, code=redeemed.code, area_code=BUURTEN[1], age_group=None, sex=None,
        answers=_answers(8),
    )  # fmt: skip
    estimates, _year = figure_selectors.figures(survey.year)
    by_key = {(e.region_code, e.indicator_id): e for e in estimates}
    # Eleven anonymous answers and one with a code (counted once, through its mark).
    assert by_key[(BUURTEN[1], "participation_participants")].value == 12
