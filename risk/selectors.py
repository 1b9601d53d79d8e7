"""Reads of the risk app, always scoped to what the user may see (a school sees nothing)."""

from __future__ import annotations

from django.db.models import Count, Q

from core.data.regions import TILE_GRID
from core.models import Region
from risk.choices import RiskCode, RiskFlagStatus, RiskRunStatus
from risk.filters import RiskFlagFilterSet, RiskScoreFilterSet
from risk.models import RiskFlag, RiskRun, RiskScore
from risk.permissions import may_see_risk

TREND_RUNS = 12


def flag_list(*, user, filters: dict | None = None):
    queryset = (RiskFlag.objects.visible_to(user)
                .select_related("school", "school__region", "last_run", "first_run", "closed_by_run")
                .order_by("-last_run_id", "code", "id"))
    if filters:
        queryset = RiskFlagFilterSet(filters, queryset=queryset).qs
    return queryset


def flag_get(*, user, pk: int) -> RiskFlag:
    return flag_list(user=user).get(pk=pk)


def run_list(*, user):
    return RiskRun.objects.visible_to(user).select_related("snapshot", "previous_snapshot").order_by("-started_at", "-id")


def latest_run() -> RiskRun | None:
    """The latest successful risk run: its date D and time say how fresh the flags are (no totals)."""
    return RiskRun.objects.filter(status=RiskRunStatus.SUCCEEDED).order_by("-id").first()


def score_list(*, user, run: RiskRun | None = None, filters: dict | None = None):
    run = run or latest_run()
    if run is None or not may_see_risk(user):
        return RiskScore.objects.none()
    queryset = (RiskScore.objects.visible_to(user).filter(run=run).select_related("school", "region")
                .order_by("-score", "school__name_ru", "school_id"))
    if filters:
        queryset = RiskScoreFilterSet(filters, queryset=queryset).qs
    return queryset


def _code_counts(prefix: str = "") -> dict:
    """Count(…) per risk code of the schools whose scores list that code."""
    return {f"{prefix}{code}": Count("id", filter=Q(flags__has_key=code)) for code in RiskCode.values}


def region_table(*, user, run: RiskRun | None = None) -> list[dict]:
    """Per region the user may see: schools scored, schools flagged, outliers, and schools flagged per code."""
    scores = score_list(user=user, run=run)
    rows = {row["region"]: row for row in scores.order_by().values("region").annotate(
        schools=Count("id"), flagged=Count("id", filter=Q(score__gt=0)), outliers=Count("id", filter=Q(outlier=True)),
        **_code_counts())}
    table = []
    for region in Region.objects.filter(code__in=rows).order_by("code"):
        row = rows[region.code]
        table.append({"region": region, "schools": row["schools"], "flagged": row["flagged"], "outliers": row["outliers"],
                      "codes": [row[code] for code in RiskCode.values]})
    return table


MAP_SHADES = 4


def region_map(table: list[dict]) -> list[dict]:
    """Every region on its tile (``core.data.regions.TILE_GRID``) with the row of ``region_table`` when the user
    sees it (else None), shaded 0–4 by flagged schools: 0 none, 4 the region with the most."""
    rows = {row["region"].code: row for row in table}
    most = max((row["flagged"] for row in table), default=0)
    tiles = []
    for region in Region.objects.filter(code__in=TILE_GRID).order_by("code"):
        row = rows.get(region.code)
        flagged = row["flagged"] if row else 0
        grid_row, grid_column = TILE_GRID[region.code]
        tiles.append({"region": region, "row": row, "grid_row": grid_row + 1, "grid_column": grid_column + 1,
                      "shade": -(-flagged * MAP_SHADES // most) if most and flagged else 0})
    return tiles

def trend(*, user, runs: int = TREND_RUNS) -> list[dict]:
    """The latest successful runs, oldest first: per run the schools flagged (in all and per code) in the user's scope."""
    if not may_see_risk(user):
        return []
    recent = list(RiskRun.objects.filter(status=RiskRunStatus.SUCCEEDED).order_by("-id")[:runs])
    counted = {row["run"]: row for row in RiskScore.objects.visible_to(user).filter(run__in=recent).order_by()
               .values("run").annotate(flagged=Count("id", filter=Q(score__gt=0)),
                                       outliers=Count("id", filter=Q(outlier=True)), **_code_counts())}
    series = []
    for run in reversed(recent):
        row = counted.get(run.pk, {})
        series.append({"run": run, "flagged": row.get("flagged", 0), "outliers": row.get("outliers", 0),
                       "codes": [row.get(code, 0) for code in RiskCode.values]})
    return series


def school_score(*, user, school, run: RiskRun | None = None) -> RiskScore | None:
    return score_list(user=user, run=run).filter(school=school).first()


def school_flags(*, user, school, status: str | None = RiskFlagStatus.OPEN):
    flags = flag_list(user=user, filters={"school": school.pk})
    return flags.filter(status=status) if status else flags
