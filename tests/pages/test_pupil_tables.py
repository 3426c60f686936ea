"""The pupils page's groups table and disadvantaged bars pick a school's rows of the year and measure
shown in Python instead of with pandas masks (issue 20: a first choice of a school): the same frames,
value for value and type for type, as the masks gave, for every school, year and measure."""

from __future__ import annotations

import pandas as pd

from dashboard import pupil_progress
from dashboard.access import identity_for
from dashboard.data_access import pupils


def _groups_by_masks(figures, time_period, measure):  # the rows the masks selected before
    rows = figures[(figures["time_period"] == time_period) & (figures["measure"] == measure)]
    table = pupil_progress.groups_table(rows, time_period, measure)  # every row given is shown
    assert len(table) == len(rows)
    return table


def _bars_by_masks(figures, time_period, measure):  # the definition before (masks)
    rows = figures[(figures["time_period"] == time_period) & (figures["measure"] == measure)
                   & (figures["pupil_group"] == "disadvantaged")]  # fmt: skip
    if rows.empty:
        return pd.DataFrame(columns=["label", "value", "status_code"])
    r = rows.iloc[0]
    return pd.DataFrame({
        "label": ["This school's disadvantaged pupils", "Disadvantaged pupils nationally",
                  "Other pupils nationally"],
        "value": [r["value"], r["national_disadvantaged"], r["national_non_disadvantaged"]],
        "status_code": [r["status_code"],
                        None if pd.notna(r["national_disadvantaged"]) else "not published",
                        None if pd.notna(r["national_non_disadvantaged"]) else "not published"],
    })  # fmt: skip


def test_groups_table_and_bars_are_the_masks_rows_for_every_school(county_env):
    m = identity_for("m", "M", "manager", [])
    schools = pupils.schools_with_pupils(m)
    assert not schools.empty
    seen = bars = 0
    for urn, year, stage in schools[["urn", "time_period", "key_stage"]].drop_duplicates(
    ).itertuples(index=False):  # fmt: skip
        for measure in [x for x in pupil_progress.PROGRESS_MEASURES if x[:3] == stage]:
            shown = pupils.school_group_figures_of(m, int(urn), int(year), measure)
            whole = pupils.school_group_figures(m, int(urn))  # every year and measure
            for figures in (shown, whole):
                for y in (int(year), int(year) - 1):
                    pd.testing.assert_frame_equal(pupil_progress.groups_table(figures, y, measure),
                                                  _groups_by_masks(figures, y, measure))  # fmt: skip
                    got = pupil_progress.disadvantaged_bars(figures, y, measure)
                    pd.testing.assert_frame_equal(got, _bars_by_masks(figures, y, measure))
                    bars += len(got) > 0
            seen += len(shown) > 0
    assert seen > 10 and bars > 10
