"""The QA overview's figures, checked against examples worked by hand."""
from __future__ import annotations

from datetime import date

import pytest

from scoring import dashboard as d


def tally(*scores, critical=0, csat=()):
    return d.Tally(n=len(scores), score_sum=sum(scores), critical=critical, csat_n=len(csat), csat_sum=sum(csat),
                   csat_good=sum(1 for r in csat if r >= 4))


def rows(table):
    return [list(r.cells) for r in table.rows]


def test_shifts_cover_every_hour_and_night_wraps_round_midnight():
    assert [d.shift_of(h) for h in (0, 5, 6, 13, 14, 21, 22, 23)] == [
        "night", "night", "early", "early", "late", "late", "night", "night"]
    assert d.shift_hours("night") == (0, 1, 2, 3, 4, 5, 22, 23)
    with pytest.raises(ValueError):
        d.shift_hours("weekend")


def test_a_tally_gives_mean_critical_share_and_csat_share_of_four_and_five():
    t = tally(80, 90, 40, critical=1, csat=(5, 4, 2))
    assert (t.mean, t.critical_pct, t.csat_mean, t.csat_pct) == (70.0, 33.3, 3.67, 66.7)
    assert d.Tally().mean is None and d.Tally().csat_pct is None


def test_the_team_trend_sums_days_into_monday_weeks_clipped_to_the_period():
    # 2026-10-01 is a Thursday: its week starts on Monday 2026-09-28 but the point's link starts at the period
    days = [d.AgentDay("ann", "A", date(2026, 10, 1), tally(80)),
            d.AgentDay("bob", "A", date(2026, 10, 4), tally(60, critical=1)),
            d.AgentDay("ann", "A", date(2026, 10, 5), tally(90))]
    table = d.trend(days, "team", date(2026, 10, 1), date(2027, 1, 1))
    assert rows(table) == [["A", "2026-09-28", 2, 70.0, 1, 50.0, 0, None, None],
                           ["A", "2026-10-05", 1, 90.0, 0, 0.0, 0, None, None]]
    assert table.rows[0].filters == {"team": "A", "from": "2026-10-01", "to": "2026-10-04"}
    assert table.rows[1].filters == {"team": "A", "from": "2026-10-05", "to": "2026-10-11"}


def test_the_agent_is_set_against_the_median_of_the_team_agents_means_each_week():
    days = [d.AgentDay("ann", "A", date(2026, 10, 5), tally(80)),
            d.AgentDay("bob", "A", date(2026, 10, 6), tally(60, 70)),
            d.AgentDay("cid", "A", date(2026, 10, 7), tally(90)),
            d.AgentDay("dan", "B", date(2026, 10, 7), tally(10))]
    # team A means: ann 80, bob 65, cid 90 -> median 80
    assert rows(d.agent_against_team(days, "bob")) == [["2026-10-05", 2, 65.0, 80.0, 3]]


def test_the_histogram_has_ten_bins_and_100_falls_in_the_last():
    table = d.histogram([(0, 1), (9, 2), (10, 1), (95, 3), (100, 4)])
    assert rows(table)[0] == ["0-10", 3] and rows(table)[1] == ["10-20", 1] and rows(table)[9] == ["90-100", 7]
    assert len(table.rows) == 10 and table.rows[9].filters == {"score_min": "90", "score_below": "101"}
    with pytest.raises(ValueError):
        d.histogram([(101, 1)])


def test_the_pareto_orders_criteria_by_failures_with_the_cumulative_share():
    table = d.pareto([("greeting", 2), ("empathy", 5), ("closing", 2), ("never", 0), ("pii", 1)], critical={"pii"})
    assert rows(table) == [["empathy", False, 5, 50.0, 50.0], ["closing", False, 2, 20.0, 70.0],
                           ["greeting", False, 2, 20.0, 90.0], ["pii", True, 1, 10.0, 100.0]]
    assert table.rows[0].filters == {"failed": "empathy"}


def test_end_moods_show_every_label_with_its_share():
    table = d.moods({"negative": tally(40), "positive": tally(90, 80, 100), None: tally(70)})
    assert [r[:4] for r in rows(table)] == [["positive", 60.0, 3, 90.0], ["neutral", 0.0, 0, None],
                                            ["negative", 20.0, 1, 40.0], ["unknown", 20.0, 1, 70.0]]


def test_breakdowns_fold_cells_by_channel_queue_weekday_day_type_and_shift():
    cells = [d.Cell("chat", "returns", 6, 23, tally(50, critical=1)),   # Saturday night
             d.Cell("chat", "refunds", 1, 9, tally(90, 80)),            # Monday early
             d.Cell("call", "returns", 1, 15, tally(70, csat=(5,)))]    # Monday late
    tables = {t.name: t for t in d.breakdowns(cells)}
    assert [r[:3] for r in rows(tables["by_channel"])] == [["call", 1, 70.0], ["chat", 3, 73.3]]
    assert [r[:3] for r in rows(tables["by_queue"])] == [["refunds", 2, 85.0], ["returns", 2, 60.0]]
    weekday = rows(tables["by_weekday"])
    assert len(weekday) == 7 and weekday[0][:3] == ["Mon", 3, 80.0] and weekday[5][:3] == ["Sat", 1, 50.0]
    assert [r[:3] for r in rows(tables["by_day_type"])] == [["weekday", 3, 80.0], ["weekend", 1, 50.0]]
    assert [r[:3] for r in rows(tables["by_shift"])] == [["early", 2, 85.0], ["late", 1, 70.0], ["night", 1, 50.0]]
    assert tables["by_weekday"].rows[5].filters == {"weekday": "6"}


def test_a_cell_of_a_whole_shift_folds_as_the_cells_of_its_hours_and_needs_an_hour_or_a_shift():
    by_hour = [d.Cell("chat", "returns", 6, 23, tally(50)), d.Cell("chat", "returns", 1, 9, tally(90, 80))]
    by_shift = [d.Cell("chat", "returns", 6, None, tally(50), shift="night"),
                d.Cell("chat", "returns", 1, None, tally(90, 80), shift="early")]
    assert [t.as_dict() for t in d.breakdowns(by_shift)] == [t.as_dict() for t in d.breakdowns(by_hour)]
    with pytest.raises(ValueError, match="an hour or a shift"):
        d.Cell("chat", None, 1, 9, tally(70), shift="early")
    with pytest.raises(ValueError, match="an hour or a shift"):
        d.Cell("chat", None, 1, None, tally(70))


def test_csat_sits_beside_the_qa_score_per_agent():
    days = [d.AgentDay("ann", "A", date(2026, 10, 5), tally(80, csat=(5, 3))),
            d.AgentDay("ann", "A", date(2026, 10, 6), tally(100, csat=(4,)))]
    assert rows(d.csat_beside_score(days)) == [["ann", "A", 2, 90.0, 3, 4.0, 66.7]]
