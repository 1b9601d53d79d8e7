"""Issue 10's migrations: existing orders, contracts, acts and payments become the national
school_per_capita programme's, with every row and amount unchanged; and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from acts.services import act_build, act_submit
from payments.services import payment_prepare
from programmes.defaults import SPC_NORMS, SPC_VALUES
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_contract, make_enrolment, make_iban
from tests.acts.helpers import accepted_act

BEFORE = [("acts", "0001_initial"), ("orders", "0004_contracted_places_view"), ("checks", "0003_closing_reason_not_stored"),
          ("contingent", "0004_identifier_lookup_tables"), ("programmes", None), ("schools", "0003_school_change_append_only")]
MONEY_SQL = {
    "orders": "SELECT id, budget, committed_amount FROM orders_stateorder ORDER BY id",
    "contracts": "SELECT id, number, months, total_amount FROM orders_contract ORDER BY id",
    "contract_levels": "SELECT id, level, places, monthly_norm FROM orders_contractlevel ORDER BY id",
    "acts": "SELECT id, month, status, line_count, total_amount, accepted_amount, due_on FROM acts_act ORDER BY id",
    "lines": "SELECT id, enrolment_id, grade, level, category, days, days_in_month, norm, coefficient, amount, decision "
             "FROM acts_actline ORDER BY id",
    "payments": "SELECT id, act_id, accepted_amount, amount, status FROM payments_payment ORDER BY id",
    "enrolments": "SELECT id, school_id, pupil_id, grade, category, enrolled_on, left_on FROM contingent_enrolment ORDER BY id",
    "places": "SELECT contract_id, level, places FROM orders_contracted_places ORDER BY contract_id, level",
}


def money_rows() -> dict:
    rows = {}
    with connection.cursor() as cursor:
        for name, sql in MONEY_SQL.items():
            cursor.execute(sql)
            rows[name] = cursor.fetchall()
    return rows


def column_exists(table: str, column: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
                       [table, column])
        return cursor.fetchone()[0] == 1


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
class ProgrammeMigrationTests:
    def test_existing_state_orders_become_the_national_school_per_capita_programme_unchanged(
            self, school_a, school_user, department_user, operator_user):
        school_a.iban = make_iban()
        school_a.save(update_fields=["iban"])
        contract = make_contract(school=school_a)
        for grade in (1, 6, 10):
            make_enrolment(school=school_a, grade=grade)
        make_enrolment(school=school_a, grade=4, category="sen")
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment_prepare(act=act, actor=operator_user)
        act_submit(act=act_build(contract=contract, month=OCTOBER.replace(month=9), actor=school_user, today=TODAY),
                   actor=school_user, today=TODAY)
        before = money_rows()
        leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
        try:
            migrate(BEFORE)
            assert not column_exists("orders_stateorder", "programme_id") and not column_exists("acts_act", "period_end")
            assert not column_exists("contingent_enrolment", "kind")
            assert money_rows() == before  # going back loses nothing
        finally:
            migrate(leaves)
        assert money_rows() == before  # and coming back changes no row and no amount
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT p.code, p.instrument, p.status FROM orders_stateorder o "
                           "JOIN programmes_programme p ON p.id = o.programme_id")
            assert cursor.fetchall() == [("SPC", "school_per_capita", "active")]
            cursor.execute("SELECT count(*) FROM acts_act "
                           "WHERE period_end <> (date_trunc('month', month) + interval '1 month - 1 day')::date")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT DISTINCT kind FROM contingent_enrolment")
            assert cursor.fetchall() == [("pupil",)]
            cursor.execute("SELECT DISTINCT instrument FROM orders_contracted_places")
            assert cursor.fetchall() == [("school_per_capita",)]


def test_the_migration_creates_the_programme_the_code_expects():
    """programmes 0001 copies ``programmes.defaults`` (migrations are frozen): the two must agree."""
    import importlib

    migration = importlib.import_module("programmes.migrations.0001_initial")
    assert migration.SPC == SPC_VALUES and migration.SPC_NORMS == SPC_NORMS
