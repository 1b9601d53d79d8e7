"""What a check run read: recorded on the run so that every finding stays traceable."""

from __future__ import annotations

from django.db import connection

from contingent.rules import active_on_sql


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
        cursor.execute(f"SELECT count(*) FROM contingent_enrolment e WHERE {active_on_sql('e', '%(day)s::date')}",
                       {"day": params["check_date"]})
        inputs["active_enrolments"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM schools_licence")
        inputs["licences"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM schools_unreliablesupplierentry")
        inputs["unreliable_supplier_entries"] = cursor.fetchone()[0]
    inputs["register_loads"] = _latest_register_loads()
    return inputs


def _latest_register_loads() -> dict:
    """The last load of each register (schools, licences, rnu) the rules read."""
    from schools.choices import RegisterKind
    from schools.models import RegisterLoad

    loads = {}
    for kind in RegisterKind.values:
        load = RegisterLoad.objects.filter(kind=kind).order_by("-loaded_at", "-id").first()
        if load is not None:
            loads[kind] = {"id": load.pk, "loaded_at": load.loaded_at.isoformat(), "source": load.source,
                           "sha256": load.sha256, "rows": load.row_count}
    return loads
