"""CBS 85163NED "SES-WOA scores per wijk en buurt": socio-economic status of households.

SES-WOA combines welvaart (wealth), opleiding (education) and arbeidsverleden (recent labour
history) into one score per area, with its spread inside the area. The file's ``Perioden``
column says which year the scores describe; a download date in the file name
(``..._25042023_160857.csv``) says nothing about that and never wins over the content.

CBS computes all periods of one release on one regio-indeling, so when a file holds several
periods their regions all get the boundary year of the newest period.
"""

from __future__ import annotations

import pandas as pd

from wijkkompas.catalogue import Catalogue
from wijkkompas.sources import reading
from wijkkompas.sources import tabular as tab
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.year import year_from_name
from wijkkompas.store.batch import ImportBatch

TABLE_ID = "85163NED"


def _target(column: str) -> str | None:
    """The catalogue id a SES-WOA column feeds, judged on its label path (sub-scores such as
    'Financiële welvaart/Gemiddelde score' stay unmatched: only the total is an indicator)."""
    k = reading.key(column)
    if "totaalscore" in k and "gemiddeldescore" in k:
        return "ses_woa_score"
    if "spreidingtotaal" in k:
        return "ses_woa_spread"
    if k.startswith("particulierehuishoudens"):
        return "households"
    return None


class SesWoaLoader:
    key = "ses-woa"
    description = "CBS SES-WOA scores per wijk en buurt (85163NED), StatLine CSV"

    def sniff(self, name: str, head: bytes) -> bool:
        lowered = reading.key(name)
        if "seswoa" in lowered or TABLE_ID.lower() in lowered:
            return True
        line = reading.first_line(head)
        return not line.startswith(("{", "[")) and "ses-woa" in line

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        rows, fmt = reading.read_rows(data, name)
        frame, unnamed = reading.rows_to_frame(rows, name)
        columns = [str(c) for c in frame.columns]
        known = {i.id for i in catalogue.indicators}
        matched, code_col, name_col = tab.mapped_columns(options, catalogue, columns, name)
        period_col = next((c for c in columns if reading.key(c) == "perioden"), None)
        ignored = list(unnamed)
        for column in columns:
            if column in matched or column in (code_col, name_col, period_col) or column in unnamed:
                continue
            k = reading.key(column)
            if code_col is None and k.startswith(
                ("regiocode", "codering", "regioaanduidingcodering")
            ):
                code_col = column
            elif name_col is None and k == "wijkenenbuurten":
                name_col = column
            elif k == "id":
                ignored.append(column)
            elif (target := _target(column)) in known and target not in matched.values():
                matched[column] = str(target)
        if code_col is None and name_col is not None and tab.looks_like_codes(frame[name_col]):
            code_col, name_col = name_col, None  # OData export: WijkenEnBuurten holds the codes
        if code_col is None:
            raise SourceError(
                f"{name}: no column with region codes ('Regiocode (gemeente, wijk, buurt)'). "
                "Download the table with the region codes selected, or name the code column in "
                "a --mapping file ('<column>,code')."
            )
        periods, region_year, year_how = _periods(frame, period_col, name, options)
        release = tab.resolve_release(name, options)
        releases = [
            "voorlopig" if p.provisional and options.release is None else release for p in periods
        ]
        frame = frame.assign(_period=[str(p.year) for p in periods], _release=releases)
        return self._batch(
            frame, name, data, catalogue, matched, code_col, name_col, period_col, ignored,
            region_year, year_how, fmt,
        )  # fmt: skip

    def _batch(
        self,
        frame: pd.DataFrame,
        name: str,
        data: bytes,
        catalogue: Catalogue,
        matched: dict[str, str],
        code_col: str,
        name_col: str | None,
        period_col: str | None,
        ignored: list[str],
        region_year: int,
        year_how: str,
        fmt: dict[str, str],
    ) -> ImportBatch:
        found: dict[tuple[str, int], str] = {}
        seen: set[tuple[str, str]] = set()
        keep, codes = [], []
        for line, row in frame.iterrows():
            code = tab.region_code(row[code_col], name, f"line {line}, column '{code_col}'")
            if code is None:
                continue
            if (code.code, row["_period"]) in seen:
                raise SourceError(
                    f"{name}, line {line}: region {code.code} occurs twice for period "
                    f"{row['_period']}. Remove the duplicate row and import again."
                )
            seen.add((code.code, row["_period"]))
            found[(code.code, region_year)] = str(row[name_col]).strip() if name_col else ""
            keep.append(line)
            codes.append(code.code)
        if not codes:
            raise SourceError(f"{name}: no gemeente, wijk or buurt rows were found.")
        rows = frame.loc[keep]
        code_series = pd.Series(codes, index=rows.index)
        parts, unmatched_parts = [], []
        data_columns = [
            c
            for c in frame.columns
            if c not in (code_col, name_col, period_col, "_period", "_release")
        ]
        unmatched_columns = [c for c in data_columns if c not in matched and c not in ignored]
        for (period, release), group in rows.groupby(["_period", "_release"], sort=True):
            codes_g = code_series.loc[group.index]
            parts.append(
                tab.wide_observations(
                    group, codes_g, region_year, str(period), matched, str(release)
                )
            )
            unmatched_parts.append(
                tab.wide_unmatched(group, codes_g, region_year, str(period), unmatched_columns)
            )
        observations = tab.observations_frame(parts)
        return tab.build_batch(
            tab.ReadFile(name, data, fmt),
            LOADER.key,
            f"{LOADER.description}: {name}",
            regions=tab.regions_frame(found),
            observations=observations,
            unmatched=pd.concat(unmatched_parts, ignore_index=True),
            provenance={
                "table_id": TABLE_ID,
                "year": region_year,
                "year_from": year_how,
                "periods": sorted(set(rows["_period"])),
                **tab.column_provenance(observations, rows, matched, ignored, catalogue),
            },
        )


def _periods(
    frame: pd.DataFrame, period_col: str | None, name: str, options: LoadOptions
) -> tuple[list[tab.Period], int, str]:
    """Each row's period, and the boundary year all regions get (the newest period's)."""
    if period_col is None:
        year = tab.resolve_year(name, options, year_from_name(name))
        return [tab.Period(year.year, False)] * len(frame), year.year, year.how
    periods = []
    for line, raw in frame[period_col].items():
        period = tab.parse_period(raw)
        if period is None:
            raise SourceError(
                f"{name}, line {line}: '{str(raw).strip()}' in column '{period_col}' is not a "
                "year. SES-WOA scores are yearly; export whole years only."
            )
        periods.append(period)
    if not periods:
        raise SourceError(f"{name}: the file has a header but no rows.")
    newest = max(p.year for p in periods)
    how = f"column '{period_col}' (newest period; a date in the file name is a download date)"
    year = tab.resolve_year(name, options, tab.Year(newest, how))
    return periods, year.year, year.how


LOADER = SesWoaLoader()
