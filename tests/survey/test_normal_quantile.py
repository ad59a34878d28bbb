"""The 95 % normal quantile is written out (importing scipy.stats costs every import command
1.5 s); it must stay scipy's value to the last digit."""

from scipy import stats

from wijkkompas.survey.estimates import Z95


def test_the_written_out_quantile_is_scipys_to_the_last_digit() -> None:
    assert float(stats.norm.ppf(0.975)) == Z95
