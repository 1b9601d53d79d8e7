from __future__ import annotations

from django.db.models import DateTimeField, Func


class ClockTimestamp(Func):
    """PostgreSQL's clock_timestamp(): the database clock at this instant, to the microsecond."""

    template = "clock_timestamp()"
    output_field = DateTimeField()
