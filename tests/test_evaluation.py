"""The yearly evaluation, as an office head reads it: what to fix, who is ready, how far we came.

Model objects are built directly (no files); every date is given, never the clock.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from smartsite.compute import average_progress
from smartsite.evaluation import (
    ERROR_RULES,
    RULES,
    Change,
    Changes,
    EvaluationConfig,
    evaluate,
    findings_for,
    history_rows,
    is_ready,
)
from smartsite.model import (
    Dimension,
    Evidence,
    HistoryEntry,
    Horizon,
    Innovation,
    LocalText,
    Masterplan,
    Milestone,
    Site,
    SiteConfig,
)

D = dt.date
AS_OF = D(2026, 6, 15)
NEXT = D(2026, 9, 1)
PAST = (D(2024, 9, 1), D(2025, 9, 1))
CONFIG = EvaluationConfig(next_date=NEXT, past_dates=PAST)
ASSETS = frozenset({"evidence/sk.pdf", "evidence/laporan.pdf"})

HORIZONS = (Horizon("short", LocalText("Jangka Pendek"), "2020-2022"),
            Horizon("medium", LocalText("Jangka Menengah"), "2023-2025"),
            Horizon("long", LocalText("Jangka Panjang"), "2026-2029"))
DIMENSIONS = (Dimension("governance", LocalText("Smart Governance"), None, ()),
              Dimension("environment", LocalText("Smart Environment"), None, ()),
              Dimension("economy", LocalText("Smart Economy"), None, ()))
MASTERPLAN = Masterplan(2020, 2029, HORIZONS, DIMENSIONS)


def ev(title="SK Tim", date=D(2026, 3, 1), file=None, url="https://example.org/sk", year=None, area=None):
    return Evidence(LocalText(title), date, file, None if file else url, area, year)


def hist(date, progress, status="in-progress", note=None):
    return HistoryEntry(date, progress, status, LocalText(note) if note else None)


# A fresh review, so that only the rule under test fires.
FRESH = (hist(D(2026, 5, 1), 50),)


def inn(ident="sipades", *, status="in-progress", progress=50, dimension="governance", horizon="short",
        owner="DKISP", evidence=(), history=FRESH, milestones=(), target_year=None):
    return Innovation(id=ident, source=f"content/innovations/{ident}.yaml", name=LocalText(ident.upper()),
                      dimension=dimension, horizon=horizon, owner=owner, status=status, progress=progress,
                      target_year=target_year, evidence=tuple(evidence), history=tuple(history),
                      milestones=tuple(milestones))


def site(*innovations):
    config = SiteConfig(LocalText("Portal Uji"), "https://example.org/", "id", "Asia/Makassar",
                        LocalText("Dinas Uji"))
    return Site(config, MASTERPLAN, tuple(sorted(innovations, key=lambda i: i.id)), (), ())


def rules(innovation, config=CONFIG, as_of=AS_OF, assets=ASSETS):
    return [f.rule for f in findings_for(innovation, config, as_of, assets)]


def only(rule, innovation, **kw):
    found = [f for f in findings_for(innovation, kw.get("config", CONFIG), kw.get("as_of", AS_OF),
                                     kw.get("assets", ASSETS)) if f.rule == rule]
    return found


# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------

def test_the_cycle_defaults_to_the_year_of_the_next_evaluation():
    assert EvaluationConfig(next_date=D(2026, 9, 1)).cycle == 2026
    assert EvaluationConfig(next_date=D(2026, 2, 1), cycle=2025).cycle == 2025
    assert EvaluationConfig(next_date=None, cycle=2025).cycle == 2025
    with pytest.raises(ValueError):
        EvaluationConfig(next_date=None)


def test_past_dates_are_kept_in_order():
    config = EvaluationConfig(next_date=NEXT, past_dates=(D(2025, 9, 1), D(2024, 9, 1)))
    assert config.past_dates == (D(2024, 9, 1), D(2025, 9, 1))


# ---------------------------------------------------------------------------
# Each rule fires on its case and not on its neighbour
# ---------------------------------------------------------------------------

def test_a_clean_innovation_has_no_findings():
    assert rules(inn(evidence=[ev()])) == []


def test_done_without_any_evidence_is_an_error():
    found = only("done-without-evidence", inn(status="done", progress=100))
    assert len(found) == 1
    assert found[0].severity == "error"
    assert found[0].message.msgid == "marked done but has no evidence"
    assert found[0].office == "DKISP"


def test_done_with_evidence_is_fine():
    assert rules(inn(status="done", progress=100, evidence=[ev()])) == []


def test_in_progress_without_evidence_is_not_a_done_claim():
    assert "done-without-evidence" not in rules(inn(status="in-progress", progress=50))


def test_progress_100_but_not_done_is_a_warning():
    found = only("complete-but-not-done", inn(status="in-progress", progress=100))
    assert [f.severity for f in found] == ["warning"]
    assert found[0].message.msgid == "progress is 100 but the status is not done"


def test_progress_99_or_done_at_100_is_not_flagged_as_complete():
    assert "complete-but-not-done" not in rules(inn(status="in-progress", progress=99))
    assert "complete-but-not-done" not in rules(inn(status="done", progress=100, evidence=[ev()]))


def test_progress_lower_than_the_last_review_is_flagged_with_before_and_after():
    # listed out of order on purpose: the most recent by date (80) is the one that counts
    history = [hist(D(2026, 5, 1), 80), hist(D(2025, 5, 1), 90), hist(D(2024, 5, 1), 10)]
    found = only("progress-went-down", inn(progress=60, history=history))
    assert len(found) == 1
    assert found[0].detail == "80 → 60"
    assert found[0].message.render(lambda s: s) == "progress went down since the last review: 80 → 60"
    assert found[0].severity == "warning"


def test_progress_equal_to_or_above_the_last_review_is_fine():
    assert "progress-went-down" not in rules(inn(progress=80, history=[hist(D(2026, 5, 1), 80)]))
    assert "progress-went-down" not in rules(inn(progress=85, history=[hist(D(2026, 5, 1), 80)]))
    # an earlier, higher entry does not matter: only the last review counts
    assert "progress-went-down" not in rules(
        inn(progress=60, history=[hist(D(2025, 1, 1), 90), hist(D(2026, 5, 1), 60)]))


def test_without_history_progress_cannot_go_down():
    assert "progress-went-down" not in rules(inn(progress=0, history=(), evidence=[ev()]))


def test_a_review_11_months_ago_is_recent_13_months_is_stale():
    eleven = inn(history=[hist(D(2025, 7, 15), 50)])
    thirteen = inn(history=[hist(D(2025, 5, 15), 50)])
    assert "stale" not in rules(eleven)
    found = only("stale", thirteen)
    assert len(found) == 1
    assert found[0].message.render(lambda s: s) == "no review or evidence in the last 12 months"
    assert found[0].detail == "2025-05-15"  # the last sign of life


def test_exactly_stale_months_ago_is_still_within_the_window():
    assert "stale" not in rules(inn(history=[hist(D(2025, 6, 15), 50)]))
    assert "stale" in rules(inn(history=[hist(D(2025, 6, 14), 50)]))


def test_recent_dated_evidence_keeps_an_innovation_fresh_but_undated_does_not():
    old = [hist(D(2024, 1, 1), 50)]
    assert "stale" not in rules(inn(history=old, evidence=[ev(date=D(2025, 8, 1))]))
    assert "stale" in rules(inn(history=old, evidence=[ev(date=None)]))
    assert "stale" in rules(inn(history=old, evidence=[ev(date=D(2024, 6, 1))]))


def test_stale_months_is_configurable():
    six = EvaluationConfig(next_date=NEXT, stale_months=6)
    inn_ = inn(history=[hist(D(2025, 11, 1), 50)])
    assert "stale" not in rules(inn_)
    assert "stale" in rules(inn_, config=six)
    assert only("stale", inn_, config=six)[0].message.args == (("months", 6),)


def test_a_never_reviewed_innovation_is_stale_and_a_cancelled_one_never():
    assert only("stale", inn(history=()))[0].detail is None
    assert "stale" not in rules(inn(status="cancelled", progress=0, history=[hist(D(2020, 1, 1), 0)]))


def test_a_passed_target_year_is_flagged_but_not_this_year():
    found = only("target-passed", inn(target_year=2025))
    assert len(found) == 1
    assert found[0].message.render(lambda s: s) == "target year 2025 has passed and it is not done"
    assert "target-passed" not in rules(inn(target_year=2026))
    assert "target-passed" not in rules(inn(target_year=None))


def test_a_passed_target_is_fine_when_done_or_cancelled():
    assert "target-passed" not in rules(inn(target_year=2024, status="done", progress=100, evidence=[ev()]))
    assert "target-passed" not in rules(inn(target_year=2024, status="cancelled", progress=10))


def test_each_overdue_milestone_is_one_finding_and_one_dated_today_is_not_overdue():
    milestones = [Milestone(D(2026, 6, 14), LocalText("Peluncuran aplikasi"), False),
                  Milestone(D(2026, 1, 10), LocalText("SK tim"), False),
                  Milestone(AS_OF, LocalText("Pelatihan operator"), False),
                  Milestone(D(2025, 1, 1), LocalText("Kajian"), True),
                  Milestone(D(2026, 12, 1), LocalText("Evaluasi"), False)]
    found = only("milestone-overdue", inn(milestones=milestones))
    assert [f.detail for f in found] == ["Peluncuran aplikasi", "SK tim"]
    assert found[0].message.render(lambda s: s) == \
        "milestone dated 2026-06-14 is not reached: Peluncuran aplikasi"


def test_a_cancelled_innovation_has_no_overdue_milestones():
    milestones = [Milestone(D(2025, 1, 1), LocalText("Peluncuran"), False)]
    assert "milestone-overdue" not in rules(inn(status="cancelled", progress=0, milestones=milestones))


def test_each_undated_evidence_is_one_finding():
    found = only("evidence-undated", inn(evidence=[ev("Foto kegiatan", date=None), ev("SK", D(2026, 1, 5)),
                                                   ev("Tangkapan layar", date=None)]))
    assert [f.detail for f in found] == ["Foto kegiatan", "Tangkapan layar"]
    assert [f.severity for f in found] == ["warning", "warning"]
    assert found[0].message.render(lambda s: s) == "evidence has no date: Foto kegiatan"


def test_a_missing_evidence_file_is_an_error_a_present_file_or_a_link_is_not():
    found = only("evidence-file-missing", inn(evidence=[ev(file="evidence/sk-tim.pdf"),
                                                        ev(file="evidence/sk.pdf"),
                                                        ev(url="https://example.org/a")]))
    assert [f.detail for f in found] == ["evidence/sk-tim.pdf"]
    assert found[0].severity == "error"
    assert found[0].message.render(lambda s: s) == "evidence file is missing: evidence/sk-tim.pdf"


def test_findings_come_in_rules_order_with_their_severity():
    messy = inn(status="in-progress", progress=100, target_year=2024,
                history=[hist(D(2024, 1, 1), 100)],
                milestones=[Milestone(D(2025, 1, 1), LocalText("M"), False)],
                evidence=[ev(date=None, file="evidence/hilang.pdf")])
    found = findings_for(messy, CONFIG, AS_OF, ASSETS)
    assert [f.rule for f in found] == ["complete-but-not-done", "stale", "target-passed", "milestone-overdue",
                                       "evidence-undated", "evidence-file-missing"]
    assert [f.rule for f in found] == sorted((f.rule for f in found), key=RULES.index)
    assert all(f.severity == ("error" if f.rule in ERROR_RULES else "warning") for f in found)


# ---------------------------------------------------------------------------
# Readiness for a cycle
# ---------------------------------------------------------------------------

def ready(innovation, config=CONFIG):
    return is_ready(innovation, findings_for(innovation, config, AS_OF, ASSETS), config)


def test_evidence_for_2026_counts_for_cycle_2026_not_2027():
    claim = inn(evidence=[ev(year=2026, date=D(2026, 2, 1))])
    assert ready(claim, EvaluationConfig(next_date=D(2026, 9, 1)))
    assert not ready(claim, EvaluationConfig(next_date=D(2027, 9, 1)))
    assert not ready(claim, EvaluationConfig(next_date=D(2026, 9, 1), cycle=2025))


def test_evidence_with_a_year_counts_for_that_cycle_only_whatever_its_date():
    assert not ready(inn(evidence=[ev(year=2025, date=D(2026, 3, 1))]))
    assert ready(inn(evidence=[ev(year=2026, date=D(2024, 3, 1))]))


def test_evidence_without_year_counts_when_dated_in_the_12_months_before_the_evaluation():
    assert ready(inn(evidence=[ev(date=D(2025, 9, 1))]))  # exactly 12 months before 2026-09-01
    assert not ready(inn(evidence=[ev(date=D(2025, 8, 31))]))
    # without a next date, the cycle's Dec 31 is the evaluation date
    no_date = EvaluationConfig(next_date=None, cycle=2026)
    assert ready(inn(evidence=[ev(date=D(2026, 1, 5))]), no_date)
    assert not ready(inn(evidence=[ev(date=D(2025, 12, 30))]), no_date)


def test_undated_evidence_never_supports_a_cycle():
    assert not ready(inn(evidence=[ev(date=None)]))


def test_an_error_blocks_readiness_even_with_evidence_for_the_cycle():
    assert not ready(inn(evidence=[ev(year=2026, file="evidence/hilang.pdf")]))
    assert ready(inn(evidence=[ev(year=2026, file="evidence/sk.pdf")]))


def test_warnings_do_not_block_readiness():
    warned = inn(progress=100, evidence=[ev(year=2026)])
    assert rules(warned) == ["complete-but-not-done"]
    assert ready(warned)


def test_an_innovation_that_claims_nothing_is_ready_without_evidence():
    assert ready(inn(status="planned", progress=0, history=()))
    assert ready(inn(status="cancelled", progress=0, history=()))
    assert not ready(inn(status="planned", progress=10))
    assert not ready(inn(status="cancelled", progress=30))
    assert not ready(inn(status="in-progress", progress=0))
    assert not ready(inn(status="done", progress=100))


# ---------------------------------------------------------------------------
# Aggregates
# ---------------------------------------------------------------------------

def half_up_share(ready_count, count):
    """Percentage to one decimal, halves up, in integer arithmetic (not Decimal as the module does)."""
    if count == 0:
        return None
    tenths = Fraction(ready_count * 1000, count)
    return int(tenths + Fraction(1, 2)) / 10


def many():
    """16 governance/short innovations, 1 ready (6.25 % → 6.3), plus others spread over groups."""
    inns = [inn(f"gov-{n:02d}", evidence=[ev(year=2026 if n == 0 else 2024)]) for n in range(16)]
    inns += [
        inn("env-ready", dimension="environment", horizon="medium", owner="DLH", evidence=[ev(year=2026)]),
        inn("env-error", dimension="environment", horizon="medium", owner="DLH",
            evidence=[ev(year=2026, file="evidence/hilang.pdf")]),
        inn("env-planned", dimension="environment", horizon="long", owner="DLH", status="planned", progress=0,
            history=()),
        inn("gov-late", dimension="governance", horizon="long", owner="BAPPEDA", target_year=2020,
            evidence=[ev(date=None)]),
        inn("gov-done", dimension="governance", horizon="medium", owner="BAPPEDA", status="done", progress=100),
    ]
    return site(*inns)


def test_shares_of_ready_innovations_match_an_independent_count():
    s = many()
    result = evaluate(s, CONFIG, AS_OF, ASSETS)
    for key, attr, groups in ((lambda h: h.key, "horizon", result.horizons),
                              (lambda d: d.id, "dimension", result.dimensions)):
        for group in groups:
            members = [i for i in s.innovations if getattr(i, attr) == key(group.key)]
            is_ok = [ready(i) for i in members]
            found = [f for i in members for f in findings_for(i, CONFIG, AS_OF, ASSETS)]
            assert (group.count, group.ready) == (len(members), is_ok.count(True))
            assert group.share == half_up_share(is_ok.count(True), len(members))
            assert group.errors == len([f for f in found if f.rule in ERROR_RULES])
            assert group.warnings == len([f for f in found if f.rule not in ERROR_RULES])
    assert [g.key.key for g in result.horizons] == ["short", "medium", "long"]
    assert [g.key.id for g in result.dimensions] == ["governance", "environment", "economy"]
    total_ready = sum(ready(i) for i in s.innovations)
    assert result.total.key is None
    assert (result.total.count, result.total.ready) == (21, total_ready) == (21, 3)
    assert result.total.share == half_up_share(3, 21) == 14.3


def test_shares_round_halves_up_and_an_empty_group_has_no_share():
    result = evaluate(many(), CONFIG, AS_OF, ASSETS)
    short = result.horizons[0]
    assert (short.count, short.ready, short.share) == (16, 1, 6.3)  # 6.25 → 6.3, not 6.2
    economy = result.dimensions[2]
    assert (economy.count, economy.ready, economy.share, economy.errors, economy.warnings) == (0, 0, None, 0, 0)


def test_ready_and_findings_are_given_per_innovation():
    result = evaluate(many(), CONFIG, AS_OF, ASSETS)
    assert result.ready["env-ready"] and result.ready["env-planned"] and result.ready["gov-00"]
    assert not result.ready["env-error"] and not result.ready["gov-done"] and not result.ready["gov-01"]
    assert [f.rule for f in result.findings["gov-done"]] == ["done-without-evidence"]
    assert result.findings["env-ready"] == ()


def test_every_office_is_listed_even_with_nothing_to_do():
    s = site(inn("b-clean", owner="DLH", evidence=[ev()]),
             inn("z-late", owner="BAPPEDA", target_year=2024, evidence=[ev(date=None)]),
             inn("a-done", owner="BAPPEDA", status="done", progress=100),
             inn("c", owner="DKISP", evidence=[ev()]))
    result = evaluate(s, CONFIG, AS_OF, ASSETS)
    assert [o.office for o in result.offices] == ["BAPPEDA", "DKISP", "DLH"]
    bappeda, dkisp, dlh = result.offices
    assert [(f.innovation.id, f.rule) for f in bappeda.findings] == [
        ("a-done", "done-without-evidence"), ("z-late", "target-passed"), ("z-late", "evidence-undated")]
    assert bappeda.innovations == 2
    assert (dkisp.findings, dkisp.innovations) == ((), 1)
    assert (dlh.findings, dlh.innovations) == ((), 1)


def test_days_to_the_next_evaluation():
    assert evaluate(site(inn()), CONFIG, AS_OF, ASSETS).days_to_next == 78
    assert evaluate(site(inn()), CONFIG, NEXT, ASSETS).days_to_next == 0
    assert evaluate(site(inn()), EvaluationConfig(next_date=None, cycle=2026), AS_OF, ASSETS).days_to_next is None


# ---------------------------------------------------------------------------
# Progress over the years
# ---------------------------------------------------------------------------

def yearly_site():
    return site(
        # reviewed before every evaluation
        inn("a", progress=70, history=[hist(D(2024, 3, 1), 20), hist(D(2025, 3, 1), 50)]),
        # first reviewed between the two evaluations: absent from the first point
        inn("b", progress=40, history=[hist(D(2025, 6, 1), 10)]),
        # cancelled in 2025: counts in 2024, not after
        inn("c", status="cancelled", progress=30,
            history=[hist(D(2024, 1, 1), 30), hist(D(2025, 1, 1), 30, "cancelled")]),
        # a review after the last evaluation is not seen at that point
        inn("d", progress=90, history=[hist(D(2024, 6, 1), 60), hist(D(2025, 10, 1), 90)]),
        # never reviewed: only the "now" point knows it
        inn("e", dimension="environment", horizon="medium", progress=55, history=()),
    )


def test_progress_over_the_years_on_a_hand_made_example():
    result = evaluate(yearly_site(), CONFIG, AS_OF, ASSETS)
    assert result.history_dates == (D(2024, 9, 1), D(2025, 9, 1), AS_OF)
    series = {d.id: dict(points) for d, points in result.dimension_series}
    # 2024-09-01: a 20, c 30, d 60            → 36.7
    # 2025-09-01: a 50, b 10, d 60 (c cancelled) → 40.0
    # now:        a 70, b 40, d 90 (c cancelled) → 66.7
    assert series["governance"] == {D(2024, 9, 1): 36.7, D(2025, 9, 1): 40.0, AS_OF: 66.7}
    assert series["environment"] == {D(2024, 9, 1): None, D(2025, 9, 1): None, AS_OF: 55.0}
    assert series["economy"] == {D(2024, 9, 1): None, D(2025, 9, 1): None, AS_OF: None}
    by_horizon = {h.key: [v for _, v in points] for h, points in result.horizon_series}
    assert by_horizon == {"short": [36.7, 40.0, 66.7], "medium": [None, None, 55.0], "long": [None, None, None]}


def test_the_now_point_is_the_dashboards_average():
    s = yearly_site()
    result = evaluate(s, CONFIG, AS_OF, ASSETS)
    for dim, points in result.dimension_series:
        assert points[-1] == (AS_OF, average_progress(i for i in s.innovations if i.dimension == dim.id))


def test_the_series_rounds_halves_up():
    s = site(inn("a", progress=10, history=[hist(D(2024, 1, 1), 10)]),
             inn("b", progress=10, history=[hist(D(2024, 1, 1), 10)]),
             inn("c", progress=10, history=[hist(D(2024, 1, 1), 10)]),
             inn("d", progress=10, history=[hist(D(2024, 1, 1), 11)]))  # 41 / 4 = 10.25
    result = evaluate(s, CONFIG, AS_OF, ASSETS)
    assert dict(result.dimension_series[0][1])[D(2024, 9, 1)] == 10.3


def test_later_evaluations_and_one_on_the_day_are_not_past_points():
    config = EvaluationConfig(next_date=NEXT, past_dates=(D(2025, 9, 1), AS_OF, D(2026, 12, 1)))
    assert evaluate(yearly_site(), config, AS_OF, ASSETS).history_dates == (D(2025, 9, 1), AS_OF)


def test_without_past_evaluations_the_series_uses_year_ends():
    config = EvaluationConfig(next_date=NEXT)
    result = evaluate(yearly_site(), config, AS_OF, ASSETS)
    assert result.history_dates == (D(2024, 12, 31), D(2025, 12, 31), AS_OF)
    governance = [v for _, v in result.dimension_series[0][1]]
    # 2024-12-31: a 20, c 30, d 60; 2025-12-31: a 50, b 10, d 90; now: a 70, b 40, d 90
    assert governance == [36.7, 50.0, 66.7]
    assert evaluate(site(inn(history=())), config, AS_OF, ASSETS).history_dates == (AS_OF,)


# ---------------------------------------------------------------------------
# Changes since the last evaluation
# ---------------------------------------------------------------------------

def test_changes_since_the_last_evaluation():
    s = site(*yearly_site().innovations,
             inn("f", status="done", progress=100, evidence=[ev()],
                 history=[hist(D(2025, 1, 1), 90), hist(D(2026, 2, 1), 100, "done")]),
             inn("g", progress=20, history=[hist(D(2026, 1, 10), 20)]))
    changes = evaluate(s, CONFIG, AS_OF, ASSETS).changes
    assert changes.since == D(2025, 9, 1)
    assert [(c.innovation.id, c.before_status, c.after_status, c.before_progress, c.after_progress,
             c.progress_delta) for c in changes.moved] == [
        ("a", "in-progress", "in-progress", 50, 70, 20),
        ("b", "in-progress", "in-progress", 10, 40, 30),
        ("d", "in-progress", "in-progress", 60, 90, 30),
        ("f", "in-progress", "done", 90, 100, 10),
    ]
    # c was cancelled then and is cancelled now: no change
    assert [(c.innovation.id, c.before_status, c.before_progress, c.progress_delta) for c in changes.new] == [
        ("e", None, None, None), ("g", None, None, None)]
    assert [c.innovation.id for c in changes.finished] == ["f"]
    assert changes.finished[0] in changes.moved


def test_a_status_change_alone_is_a_move():
    s = site(inn("a", status="stalled", progress=40, history=[hist(D(2025, 1, 1), 40)]))
    [change] = evaluate(s, CONFIG, AS_OF, ASSETS).changes.moved
    assert (change.before_status, change.after_status, change.progress_delta) == ("in-progress", "stalled", 0)


def test_without_an_earlier_evaluation_there_are_no_changes():
    for config in (EvaluationConfig(next_date=NEXT), EvaluationConfig(next_date=NEXT, past_dates=(AS_OF,))):
        assert evaluate(yearly_site(), config, AS_OF, ASSETS).changes == Changes(since=None, moved=(), new=(),
                                                                                  finished=())


def test_progress_delta():
    i = inn()
    assert Change(i, "in-progress", "done", 60, 100).progress_delta == 40
    assert Change(i, "in-progress", "stalled", 60, 45).progress_delta == -15
    assert Change(i, None, "planned", None, 0).progress_delta is None


# ---------------------------------------------------------------------------
# data/history.csv
# ---------------------------------------------------------------------------

def test_history_rows_one_per_entry_by_innovation_then_date():
    s = site(inn("zeta", owner="DLH", dimension="environment", horizon="long",
                 history=[hist(D(2025, 1, 1), 30, note="Uji coba"), hist(D(2024, 1, 1), 10)]),
             inn("alfa", history=[hist(D(2026, 5, 1), 50, "stalled")]),
             inn("kosong", history=()))
    assert history_rows(s) == [
        {"innovation": "alfa", "date": "2026-05-01", "progress": 50, "status": "stalled", "note": "",
         "dimension": "governance", "horizon": "short", "owner": "DKISP"},
        {"innovation": "zeta", "date": "2024-01-01", "progress": 10, "status": "in-progress", "note": "",
         "dimension": "environment", "horizon": "long", "owner": "DLH"},
        {"innovation": "zeta", "date": "2025-01-01", "progress": 30, "status": "in-progress", "note": "Uji coba",
         "dimension": "environment", "horizon": "long", "owner": "DLH"},
    ]
