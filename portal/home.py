"""The home page's charts: the figures of ``portal.charts`` as Chart.js data and as tables.

Both the canvas (drawn by ``static/js/home-charts.js`` from a ``json_script`` block) and its table
alternative (for screen readers and for reading the exact numbers) come from the same dicts.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from core.roles import Role
from portal import charts

MONEY_LABELS = {
    "ordered": lambda: _("Ordered"),
    "contracted": lambda: _("Contracted"),
    "accepted": lambda: _("Accepted"),
    "paid": lambda: _("Paid"),
}


def _month(day) -> str:
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def home_charts(user) -> dict:
    school_year = charts.chart_school_year(user)
    money = charts.money_by_month(user, school_year)
    contingent = charts.contingent_by_month(user, school_year)
    findings = charts.findings_by_run(user)
    money_rows = [(_month(month), [money["series"][name][index] for name in money["series"]])
                  for index, month in enumerate(money["months"])]
    contingent_rows = [(_month(month), count) for month, count in zip(contingent["months"], contingent["counts"], strict=True)]
    run_labels = [_("Run #%(id)s, %(date)s") % {"id": run.pk, "date": formats.date_format(run.check_date, "SHORT_DATE_FORMAT")}
                  for run in findings["runs"]]
    return {
        "regions": charts.region_overview(user, school_year) if user.role == Role.MONITOR else None,
        "school_year": f"{school_year}–{school_year + 1}",
        "money_columns": [MONEY_LABELS[name]() for name in money["series"]],
        "money_rows": money_rows,
        "contingent_rows": contingent_rows,
        "finding_runs": run_labels,
        "finding_rows": [(code, counts) for code, counts in findings["counts"].items()],
        "chart_data": {
            "money": {
                "labels": [row[0] for row in money_rows],
                # Chart.js draws numbers; the table beside it shows the exact amounts.
                "datasets": [{"label": MONEY_LABELS[name](), "data": [float(value) for value in values]}
                             for name, values in money["series"].items()],
            },
            "contingent": {
                "labels": [row[0] for row in contingent_rows],
                "datasets": [{"label": _("Pupils enrolled on the 1st"), "data": contingent["counts"]}],
            },
            "findings": {
                "labels": run_labels,
                "datasets": [{"label": code, "data": counts} for code, counts in findings["counts"].items()],
            },
        },
    }
