"""The acts left the payments app with their rows (acts 0001, payments 0003)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from acts.models import Act, Holiday
from acts.services import act_build, act_submit
from core.selectors import audit_events_for
from payments.services import payment_prepare
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_contract, make_enrolment, make_iban
from tests.acts.helpers import accepted_act

TABLES = ["act", "actline", "actsubmission", "holiday"]


def table_rows(prefix: str) -> dict[str, list]:
    """Every row of the four tables, as column → value (None for a table that does not exist)."""
    rows = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute("SELECT to_regclass(%s)", [prefix + table])
            if cursor.fetchone()[0] is None:
                rows[table] = None
                continue
            cursor.execute(f"SELECT * FROM {prefix}{table} ORDER BY id")
            names = [column.name for column in cursor.description]
            rows[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return rows


def without_later_columns(rows: dict[str, list], older: dict[str, list]) -> dict[str, list]:
    """``rows`` limited to the columns the ``older`` schema has (later migrations, e.g. acts 0002's
    ``period_end``, add columns that the tables before the move never had)."""
    return {table: [{name: value for name, value in row.items() if name in older[table][0]} for row in kept]
            if kept and older[table] else kept for table, kept in rows.items()}


def function_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = %s", [name])
        return cursor.fetchone()[0] == 1


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
class ActsMoveTests:
    def test_migrating_from_the_payments_tables_keeps_every_row_and_the_audit_trail(
            self, school_a, school_user, department_user, operator_user):
        school_a.iban = make_iban()
        school_a.save(update_fields=["iban"])
        contract = make_contract(school=school_a)
        for grade in (1, 6, 10):
            make_enrolment(school=school_a, grade=grade)
        accepted = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment = payment_prepare(act=accepted, actor=operator_user)
        act_submit(act=act_build(contract=contract, month=OCTOBER.replace(month=9), actor=school_user, today=TODAY),
                   actor=school_user, today=TODAY)
        # the holidays a data migration loaded, unless a transactional test before this one flushed them
        Holiday.objects.get_or_create(date=dt.date(2025, 12, 16), defaults={
            "name_kk": "Тәуелсіздік күні", "name_ru": "День Независимости", "name_en": "Independence Day"})
        rows = table_rows("acts_")
        assert len(rows["act"]) == 2 and len(rows["actline"]) == 6 and rows["holiday"]
        events = [(e.pk, e.action) for e in audit_events_for(subject=accepted)]
        assert len(events) >= 4

        leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
        try:
            # Back to the schema of main before the move: the tables are payments_*, with the same rows.
            migrate([("acts", None)])
            before_the_move = table_rows("payments_")
            assert before_the_move == without_later_columns(rows, before_the_move)
            assert set(table_rows("acts_").values()) == {None}
            assert function_exists("payments_line_amount") and not function_exists("acts_line_amount")
            assert ContentType.objects.filter(app_label="payments", model="act").exists()
        finally:
            migrate(leaves)
        assert table_rows("acts_") == rows
        assert set(table_rows("payments_").values()) == {None}
        assert function_exists("acts_line_amount") and not function_exists("payments_line_amount")
        assert not ContentType.objects.filter(app_label="payments", model__in=TABLES).exists()
        moved = Act.objects.get(pk=accepted.pk)
        assert [(e.pk, e.action) for e in audit_events_for(subject=moved)] == events
        assert moved.payments.get() == payment and payment.act == moved
