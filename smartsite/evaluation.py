"""The yearly evaluation: readiness, findings, progress over the years, changes.

The national programme evaluates the masterplan every year and asks for
supporting evidence (bukti dukung) for every claim. From the validated
:class:`~smartsite.model.Site` and the ``evaluation:`` section of
``masterplan.yaml`` (an :class:`EvaluationConfig`), this module computes

- the findings per innovation (:func:`findings_for`): what an office must fix
  before the evaluation, each an error or a warning;
- whether each innovation is ready for the evaluated cycle (:func:`is_ready`)
  and the share of ready innovations in total, per horizon and per dimension;
- the findings grouped by responsible office (every office, even without any);
- the average progress of every horizon and dimension at each past evaluation
  and now, from the innovations' history;
- what changed since the last evaluation.

Pure: no files, no clock. Every date comes in as an argument (``as_of`` is the
data's date, see :func:`smartsite.compute.generated_stamp`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Collection, Iterable, Sequence

from .diagnostics import Message, msg
from .model import HistoryEntry, Innovation, Site

RULES = ("done-without-evidence", "complete-but-not-done", "progress-went-down", "stale",
         "target-passed", "milestone-overdue", "evidence-undated", "evidence-file-missing")
ERROR_RULES = frozenset({"done-without-evidence", "evidence-file-missing"})  # the rest are warnings

# Supporting evidence without a `year` counts for the cycle when dated within
# this many months before the evaluation date.
EVIDENCE_WINDOW_MONTHS = 12


# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluationConfig:
    """The ``evaluation:`` section of ``masterplan.yaml``.

    ``cycle`` defaults to ``next_date.year``; without a ``next_date`` it must be
    given. ``past_dates`` is kept ascending and without duplicates.
    """

    next_date: dt.date | None
    past_dates: tuple[dt.date, ...] = ()
    cycle: int | None = None  # always an int after construction
    stale_months: int = 12

    def __post_init__(self) -> None:
        object.__setattr__(self, "past_dates", tuple(sorted(set(self.past_dates))))
        if self.cycle is None:
            if self.next_date is None:
                raise ValueError("an evaluation without next_date needs a cycle")
            object.__setattr__(self, "cycle", self.next_date.year)
        if self.stale_months < 0:
            raise ValueError("stale_months must not be negative")

    @property
    def evaluation_date(self) -> dt.date:
        """The date the cycle is evaluated: next_date, or Dec 31 of the cycle."""
        return self.next_date if self.next_date is not None else dt.date(self.cycle, 12, 31)


# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    rule: str  # one of RULES
    innovation: Innovation
    severity: str  # "error" | "warning"
    message: Message
    detail: str | None = None  # the milestone or evidence title, the file, "80 → 60"...

    @property
    def office(self) -> str:
        return self.innovation.owner

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def _finding(rule: str, inn: Innovation, message: Message, detail: str | None = None) -> Finding:
    return Finding(rule, inn, "error" if rule in ERROR_RULES else "warning", message, detail)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (clamped to the month's end: Mar 31 → Feb 28)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _latest(history: Iterable[HistoryEntry], on_or_before: dt.date | None = None) -> HistoryEntry | None:
    """The most recent entry (dated ≤ on_or_before, if given); of two on one day, the later listed."""
    best = None
    for h in history:
        if on_or_before is not None and h.date > on_or_before:
            continue
        if best is None or h.date >= best.date:
            best = h
    return best


def findings_for(inn: Innovation, config: EvaluationConfig, as_of: dt.date,
                 assets: Collection[str]) -> tuple[Finding, ...]:
    """What is wrong with one innovation as of ``as_of``, rule by rule in RULES order.

    - done-without-evidence: status done and no evidence at all.
    - complete-but-not-done: progress 100 but status is not done.
    - progress-went-down: current progress lower than the most recent history entry's.
    - stale: no history entry and no dated evidence within ``stale_months`` before
      ``as_of`` (inclusive both ends). Not for cancelled innovations.
    - target-passed: target_year before as_of's year, not done and not cancelled.
    - milestone-overdue: one per milestone dated before ``as_of`` and not done (not for cancelled).
    - evidence-undated: one per evidence without a date.
    - evidence-file-missing: one per evidence whose ``file`` is not in ``assets``.
    """
    out: list[Finding] = []
    cancelled = inn.status == "cancelled"

    if inn.status == "done" and not inn.evidence:
        out.append(_finding("done-without-evidence", inn, msg("marked done but has no evidence")))

    if inn.progress == 100 and inn.status != "done":
        out.append(_finding("complete-but-not-done", inn, msg("progress is 100 but the status is not done")))

    last = _latest(inn.history)
    if last is not None and inn.progress < last.progress:
        out.append(_finding("progress-went-down", inn,
                            msg("progress went down since the last review: {before} → {after}",
                                before=last.progress, after=inn.progress),
                            f"{last.progress} → {inn.progress}"))

    if not cancelled:
        since = months_before(as_of, config.stale_months)
        activity = [h.date for h in inn.history if h.date <= as_of]
        activity += [e.date for e in inn.evidence if e.date is not None and e.date <= as_of]
        if not any(d >= since for d in activity):
            out.append(_finding("stale", inn,
                                msg("no review or evidence in the last {months} months",
                                    months=config.stale_months),
                                max(activity).isoformat() if activity else None))

    if (inn.target_year is not None and inn.target_year < as_of.year
            and inn.status not in ("done", "cancelled")):
        out.append(_finding("target-passed", inn,
                            msg("target year {year} has passed and it is not done", year=inn.target_year),
                            str(inn.target_year)))

    if not cancelled:
        for m in inn.milestones:
            if m.date < as_of and not m.done:
                out.append(_finding("milestone-overdue", inn,
                                    msg("milestone dated {date} is not reached: {title}",
                                        date=m.date.isoformat(), title=str(m.title)),
                                    str(m.title)))

    for e in inn.evidence:
        if e.date is None:
            out.append(_finding("evidence-undated", inn,
                                msg("evidence has no date: {title}", title=str(e.title)), str(e.title)))

    for e in inn.evidence:
        if e.file is not None and e.file not in assets:
            out.append(_finding("evidence-file-missing", inn,
                                msg("evidence file is missing: {file}", file=e.file), e.file))

    return tuple(out)


# ---------------------------------------------------------------------------
# Readiness
# ---------------------------------------------------------------------------

def claims_nothing(inn: Innovation) -> bool:
    """Planned or cancelled with progress 0: nothing to support with evidence."""
    return inn.status in ("planned", "cancelled") and inn.progress == 0


def supports_cycle(evidence, config: EvaluationConfig) -> bool:
    """Evidence for the cycle: its ``year`` is the cycle, or, without a year, dated within the 12 months
    before the evaluation date (inclusive). Undated evidence without a year supports nothing."""
    if evidence.year is not None:
        return evidence.year == config.cycle
    if evidence.date is None:
        return False
    end = config.evaluation_date
    return months_before(end, EVIDENCE_WINDOW_MONTHS) <= evidence.date <= end


def is_ready(inn: Innovation, findings: Sequence[Finding], config: EvaluationConfig) -> bool:
    """Ready for the cycle: no error among ``findings`` and either nothing claimed or evidence for the cycle."""
    if any(f.severity == "error" for f in findings):
        return False
    return claims_nothing(inn) or any(supports_cycle(e, config) for e in inn.evidence)


def _round1(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _mean(values: Sequence[int]) -> float | None:
    """Mean to one decimal, halves up (as the dashboard's average progress); None for no values."""
    if not values:
        return None
    return _round1(Decimal(sum(values)) / Decimal(len(values)))


@dataclass(frozen=True)
class Readiness:
    key: object  # a Horizon or Dimension, None for the total
    count: int
    ready: int
    share: float | None  # ready / count * 100, one decimal, halves up; None when count == 0
    errors: int  # findings of severity error in the group
    warnings: int


def _readiness(key: object, members: Sequence[Innovation], findings: dict, ready: dict) -> Readiness:
    count = len(members)
    n_ready = sum(1 for i in members if ready[i.id])
    share = _round1(Decimal(n_ready) * 100 / Decimal(count)) if count else None
    found = [f for i in members for f in findings[i.id]]
    errors = sum(1 for f in found if f.severity == "error")
    return Readiness(key, count, n_ready, share, errors, len(found) - errors)


@dataclass(frozen=True)
class OfficeFindings:
    office: str
    findings: tuple[Finding, ...]  # sorted by innovation id, then RULES order
    innovations: int  # how many innovations the office owns

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


# ---------------------------------------------------------------------------
# Changes since the last evaluation
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    innovation: Innovation
    before_status: str | None
    after_status: str
    before_progress: int | None
    after_progress: int

    @property
    def progress_delta(self) -> int | None:
        return None if self.before_progress is None else self.after_progress - self.before_progress


@dataclass(frozen=True)
class Changes:
    since: dt.date | None
    moved: tuple[Change, ...] = ()  # existed then (a history entry ≤ since) and status or progress differs now
    new: tuple[Change, ...] = ()  # no history entry ≤ since (before_* None)
    finished: tuple[Change, ...] = ()  # done now, not done then (also listed in moved)


def changes_since(site: Site, config: EvaluationConfig, as_of: dt.date) -> Changes:
    """What changed since the last evaluation before ``as_of`` (empty when there was none)."""
    earlier = [d for d in config.past_dates if d < as_of]
    if not earlier:
        return Changes(None)
    since = earlier[-1]
    moved, new, finished = [], [], []
    for inn in sorted(site.innovations, key=lambda i: i.id):
        then = _latest(inn.history, since)
        if then is None:
            new.append(Change(inn, None, inn.status, None, inn.progress))
            continue
        if then.status == inn.status and then.progress == inn.progress:
            continue
        change = Change(inn, then.status, inn.status, then.progress, inn.progress)
        moved.append(change)
        if inn.status == "done" and then.status != "done":
            finished.append(change)
    return Changes(since, tuple(moved), tuple(new), tuple(finished))


# ---------------------------------------------------------------------------
# Progress over the years
# ---------------------------------------------------------------------------

def series_dates(site: Site, config: EvaluationConfig, as_of: dt.date) -> tuple[dt.date, ...]:
    """The past evaluation dates up to ``as_of``, then ``as_of`` ("now").

    Without past dates: Dec 31 of every year from the first history entry's year, before ``as_of``,
    then ``as_of``. A past date equal to ``as_of`` is the "now" point.
    """
    if config.past_dates:
        past = [d for d in config.past_dates if d < as_of]
    else:
        first = min((h.date.year for i in site.innovations for h in i.history), default=None)
        past = [] if first is None else [dt.date(y, 12, 31) for y in range(first, as_of.year + 1)
                                         if dt.date(y, 12, 31) < as_of]
    return (*past, as_of)


def progress_at(innovations: Iterable[Innovation], day: dt.date, now: bool = False) -> float | None:
    """The average progress of ``innovations`` on ``day``, from their history.

    Each innovation counts with its latest history entry dated ≤ ``day`` (left out without one, or if
    that entry's status is cancelled). ``now``: the current progress and status of every innovation
    (the dashboard's figure).
    """
    values = []
    for inn in innovations:
        if now:
            if inn.status != "cancelled":
                values.append(inn.progress)
            continue
        entry = _latest(inn.history, day)
        if entry is not None and entry.status != "cancelled":
            values.append(entry.progress)
    return _mean(values)


def _series(groups, innovations, attr: str, dates: tuple[dt.date, ...]):
    out = []
    for key in groups:
        ident = key.key if attr == "horizon" else key.id
        members = [i for i in innovations if getattr(i, attr) == ident]
        points = tuple((d, progress_at(members, d, now=(n == len(dates) - 1))) for n, d in enumerate(dates))
        out.append((key, points))
    return tuple(out)


# ---------------------------------------------------------------------------
# The evaluation
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Evaluation:
    config: EvaluationConfig
    as_of: dt.date
    findings: dict = field(hash=False)  # innovation id -> tuple[Finding, ...]
    ready: dict = field(hash=False)  # innovation id -> bool
    total: Readiness
    horizons: tuple[Readiness, ...]  # in masterplan order
    dimensions: tuple[Readiness, ...]
    offices: tuple[OfficeFindings, ...]  # every office that owns an innovation, by name
    days_to_next: int | None  # (next_date - as_of).days; None without next_date
    history_dates: tuple[dt.date, ...]  # the series' dates; the last is as_of ("now")
    horizon_series: tuple  # ((Horizon, ((date, average or None), ...)), ...)
    dimension_series: tuple  # ((Dimension, ((date, average or None), ...)), ...)
    changes: Changes


def evaluate(site: Site, config: EvaluationConfig, as_of: dt.date, assets: Collection[str]) -> Evaluation:
    mp = site.masterplan
    inns = tuple(sorted(site.innovations, key=lambda i: i.id))
    findings = {i.id: findings_for(i, config, as_of, assets) for i in inns}
    ready = {i.id: is_ready(i, findings[i.id], config) for i in inns}
    offices = tuple(
        OfficeFindings(name, tuple(f for i in inns if i.owner == name for f in findings[i.id]),
                       sum(1 for i in inns if i.owner == name))
        for name in sorted({i.owner for i in inns}))
    dates = series_dates(site, config, as_of)
    return Evaluation(
        config=config,
        as_of=as_of,
        findings=findings,
        ready=ready,
        total=_readiness(None, inns, findings, ready),
        horizons=tuple(_readiness(h, [i for i in inns if i.horizon == h.key], findings, ready)
                       for h in mp.horizons),
        dimensions=tuple(_readiness(d, [i for i in inns if i.dimension == d.id], findings, ready)
                         for d in mp.dimensions),
        offices=offices,
        days_to_next=(config.next_date - as_of).days if config.next_date is not None else None,
        history_dates=dates,
        horizon_series=_series(mp.horizons, inns, "horizon", dates),
        dimension_series=_series(mp.dimensions, inns, "dimension", dates),
        changes=changes_since(site, config, as_of),
    )


# ---------------------------------------------------------------------------
# Open data
# ---------------------------------------------------------------------------

HISTORY_COLUMNS = ("innovation", "date", "progress", "status", "note", "dimension", "horizon", "owner")


def history_rows(site: Site) -> list[dict]:
    """Rows of data/history.csv: one per innovation per history entry, by innovation id then date."""
    rows = []
    for inn in sorted(site.innovations, key=lambda i: i.id):
        for h in sorted(inn.history, key=lambda h: h.date):
            rows.append({"innovation": inn.id, "date": h.date.isoformat(), "progress": h.progress,
                         "status": h.status, "note": h.note.id if h.note is not None else "",
                         "dimension": inn.dimension, "horizon": inn.horizon, "owner": inn.owner})
    return rows
