"""What a check run read: recorded on the run so that every finding stays traceable."""

from __future__ import annotations

from django.db import connection


def describe_inputs(*, run, params: dict) -> dict:
    inputs: dict = {"check_date": str(params["check_date"]), "school_year_start": str(params["school_year_start"])}
    snapshot = run.snapshot
    if snapshot is not None:
        inputs["snapshot"] = {
            "id": snapshot.pk, "taken_on": str(snapshot.taken_on), "sha256": snapshot.sha256,
            "row_count": snapshot.row_count, "source": snapshot.source,
        }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM schools_school")
        inputs["schools"] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM contingent_enrolment WHERE enrolled_on <= %s AND (left_on IS NULL OR left_on >= %s)",
            [params["check_date"], params["check_date"]],
        )
        inputs["active_enrolments"] = cursor.fetchone()[0]
    return inputs
