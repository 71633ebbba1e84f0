"""The award-fairness helpers behind workbooks/analysis/评选公平.ipynb, on frames built by hand."""

import pandas as pd
import pytest

from station_kit import analytics


def _awards(rows):
    columns = ["level", "period", "round_status", "subject_kind", "subject_id", "winner"]
    return pd.DataFrame(rows, columns=columns)


def _volunteers():
    return pd.DataFrame({
        "volunteer_id": [1, 2, 3, 4, 5],
        "gender": pd.Categorical(["female", "female", "male", "male", "female"], categories=["male", "female"]),
        "birth_year": [1985, 1962, 1988, 2001, 1955],
        "team": ["甲队", "甲队", "乙队", "乙队", "甲队"],
        "squad": ["一分队", "二分队", "三分队", "三分队", "一分队"],
        "active": [True, True, True, True, False],  # 5 was merged into another record
    })


def test_winners_are_final_volunteer_winners_with_their_registry_details():
    awards = _awards([
        ("month", "2022-01", "final", "volunteer", 1, True),
        ("month", "2022-01", "final", "volunteer", 2, False),   # a candidate, not a winner
        ("month", "2022-02", "publicity", "volunteer", 2, True),  # not final yet
        ("collective", "2021", "final", "squad", 7, True),      # a squad, not a person
        ("quarter", "2022-Q1", "final", "volunteer", 3, True),
    ])
    winners = analytics.award_winners(awards, _volunteers())
    assert list(zip(winners["period"], winners["subject_id"])) == [("2022-01", 1), ("2022-Q1", 3)]
    assert list(winners["team"]) == ["甲队", "乙队"] and list(winners["birth_decade"].astype(str)) == ["80后", "80后"]


def test_spread_sets_each_groups_awards_beside_its_share_of_the_active_registry():
    awards = _awards([("month", f"2022-0{month}", "final", "volunteer", subject, True)
                      for month, subject in ((1, 1), (2, 3), (3, 1), (4, 3), (5, 4), (6, 2))])
    winners = analytics.award_winners(awards, _volunteers())
    by_team = analytics.award_spread(winners, _volunteers(), "team")
    # Four active volunteers: 甲队 two (the merged-away 5 left out), 乙队 two.
    assert by_team.loc["甲队", ["volunteers", "awards", "people"]].tolist() == [2, 3, 2]
    assert by_team.loc["乙队", ["volunteers", "awards", "people"]].tolist() == [2, 3, 2]
    assert by_team["volunteer_share"].sum() == pytest.approx(1) and by_team["award_share"].sum() == pytest.approx(1)
    assert by_team["expected_awards"].tolist() == pytest.approx([3, 3])
    by_squad = analytics.award_spread(winners, _volunteers(), "squad")
    assert by_squad.loc["三分队", "awards"] == 3 and by_squad.loc["二分队", "expected_awards"] == pytest.approx(1.5)
    by_gender = analytics.award_spread(winners, _volunteers(), "gender")
    assert list(by_gender.index) == ["male", "female"]  # the category's order, not the count's
    by_decade = analytics.award_spread(winners, _volunteers(), "birth_decade")
    assert list(by_decade.index.astype(str)) == ["60后", "80后", "00后"]
    assert by_decade.loc["80后", ["volunteers", "awards"]].tolist() == [2, 4]


def test_a_group_with_volunteers_and_no_award_shows_zero_awards():
    awards = _awards([("month", "2022-01", "final", "volunteer", 1, True)])
    spread = analytics.award_spread(analytics.award_winners(awards, _volunteers()), _volunteers(), "team")
    assert spread.loc["乙队", ["volunteers", "awards", "people"]].tolist() == [2, 0, 0]
    assert spread.loc["乙队", "award_share"] == 0


def test_spread_by_an_unknown_column_is_refused():
    with pytest.raises(ValueError, match="by must be one of"):
        analytics.award_spread(_awards([]), _volunteers(), "name")


def test_back_to_back_wins_follow_the_periods_calendar_not_the_row_order():
    awards = _awards([
        ("month", "2021-12", "final", "volunteer", 1, True),
        ("month", "2022-01", "final", "volunteer", 1, True),   # right after December: back to back
        ("month", "2022-03", "final", "volunteer", 2, True),
        ("month", "2022-05", "final", "volunteer", 2, True),   # April between: not back to back
        ("quarter", "2021-Q4", "final", "volunteer", 3, True),
        ("quarter", "2022-Q1", "final", "volunteer", 3, True),
        ("year", "2021", "final", "volunteer", 2, True),       # a yearly award after a monthly one: other level
    ])
    again = analytics.back_to_back_wins(analytics.award_winners(awards, _volunteers()))
    assert list(zip(again["level"], again["period"], again["subject_id"])) == [
        ("month", "2022-01", 1), ("quarter", "2022-Q1", 3)]


def test_birth_decades_are_ordered_generations_and_unknown_years_stay_missing():
    decades = analytics.birth_decade(pd.Series([1989, 2000, 1943, 0, None]))
    assert decades.astype(str).tolist()[:3] == ["80后", "00后", "40后"] and decades.isna().tolist()[3:] == [True, True]
    assert decades.cat.ordered and decades.cat.categories.get_loc("90后") < decades.cat.categories.get_loc("00后")


def test_a_winner_without_a_squad_or_known_birth_year_still_counts_once():
    volunteers = _volunteers()
    volunteers.loc[0, "squad"] = None  # volunteer 1 has no squad
    volunteers.loc[0, "birth_year"] = 0  # and no known birth date (a passport holder)
    awards = _awards([("month", "2022-01", "final", "volunteer", 1, True),
                      ("month", "2022-01", "final", "volunteer", 3, True)])
    winners = analytics.award_winners(awards, volunteers)
    for by in ("squad", "birth_decade"):
        spread = analytics.award_spread(winners, volunteers, by)
        assert spread["awards"].sum() == 2 and spread["volunteers"].sum() == 4, by
        assert spread.loc[spread.index.isna(), ["volunteers", "awards"]].values.tolist() == [[1, 1]], by


def test_a_station_without_awards_spreads_nothing_and_repeats_nobody():
    winners = analytics.award_winners(_awards([]), _volunteers())
    spread = analytics.award_spread(winners, _volunteers(), "gender")
    assert spread["awards"].tolist() == [0, 0] and spread["award_share"].tolist() == [0, 0]
    assert analytics.back_to_back_wins(winners).empty
