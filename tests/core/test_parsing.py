"""The one strict parser of dates, whole numbers and amounts (core.parsing)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.parsing import FIRST_DATE, LAST_DATE, parse_amount, parse_date, parse_int, parse_month, whole_number_spellings


class DateTests:
    @pytest.mark.parametrize("value", ["2025-09-01", "1800-01-01", "2099-12-31", "2024-02-29"])
    def test_a_date_written_yyyy_mm_dd_is_accepted(self, value):
        assert parse_date(value) == dt.date.fromisoformat(value)

    @pytest.mark.parametrize("value", ["20250901", "2025-9-1", "2025-09-1", "01.09.2025", "2025/09/01", " 2025-09-01",
                                       "2025-09-01 ", "2025-09-01T00:00", "٢٠٢٥-٠٩-٠١", "２０２５-０９-０１", "+2025-09-01",
                                       "2025-W36-1", "2025-244", "today"])
    def test_any_other_writing_is_refused_with_the_one_message(self, value):
        with translation.override("en"), pytest.raises(ValueError) as failure:
            parse_date(value)
        assert str(failure.value) == f"“{value}” is not a date in the form YYYY-MM-DD"

    @pytest.mark.parametrize("value", ["2025-02-29", "2025-02-30", "2025-13-01", "2025-00-10", "2025-04-31"])
    def test_a_day_that_does_not_exist_is_refused(self, value):
        with translation.override("en"), pytest.raises(ValueError) as failure:
            parse_date(value)
        assert str(failure.value) == f"“{value}” is not a real calendar date"

    @pytest.mark.parametrize("value", ["1799-12-31", "2100-01-01", "0001-01-01", "9999-12-31"])
    def test_a_date_outside_1800_2099_is_refused(self, value):
        with translation.override("en"), pytest.raises(ValueError, match="outside the years 1800–2099"):
            parse_date(value)

    def test_empty_is_refused_unless_optional(self):
        assert parse_date("", required=False) is None and parse_date(None, required=False) is None
        with translation.override("en"), pytest.raises(ValueError, match="a date is required"):
            parse_date("")

    @given(st.dates(min_value=FIRST_DATE, max_value=LAST_DATE))
    def test_every_date_of_the_range_reads_back_from_its_iso_form(self, day):
        assert parse_date(day.isoformat()) == day

    @given(st.text(max_size=12))
    def test_whatever_is_accepted_is_the_iso_form_of_the_date(self, value):
        try:
            day = parse_date(value)
        except ValueError:
            return
        assert day.isoformat() == value


class MonthTests:
    @pytest.mark.parametrize(("value", "first_day"), [("2025-10", dt.date(2025, 10, 1)), ("2025-01", dt.date(2025, 1, 1)),
                                                      ("2025-10-17", dt.date(2025, 10, 1))])
    def test_a_month_yyyy_mm_or_a_date_in_it_gives_its_first_day(self, value, first_day):
        assert parse_month(value) == first_day

    @pytest.mark.parametrize("value", ["20250901", "202510", "2025-1", "2025-13", "2025-00", "２０２５-１０", " 2025-10",
                                       "2025-10 ", "10.2025", "2025/10", "", None])
    def test_any_other_writing_is_refused(self, value):
        with translation.override("en"), pytest.raises(ValueError, match="not a month in the form YYYY-MM"):
            parse_month(value)

    def test_a_date_that_does_not_exist_is_refused_as_a_date(self):
        with translation.override("en"), pytest.raises(ValueError, match="not a real calendar date"):
            parse_month("2025-02-30")

    @given(st.text(max_size=10))
    def test_whatever_is_accepted_is_a_month_or_a_date_in_it(self, value):
        try:
            month = parse_month(value)
        except ValueError:
            return
        assert month.isoformat()[:7] == value[:7] and month.day == 1


class WholeNumberTests:
    @pytest.mark.parametrize("value, number", [("0", 0), ("7", 7), ("1200", 1200), ("-3", -3)])
    def test_plain_digits_are_accepted(self, value, number):
        assert parse_int(value) == number

    @pytest.mark.parametrize("value", ["07", "+7", "7.0", "7,0", "1e3", "1_000", "1 000", " 7", "7 ", "１２", "٣", "-0", "x", "0x10"])
    def test_any_other_writing_is_refused(self, value):
        with translation.override("en"), pytest.raises(ValueError) as failure:
            parse_int(value)
        assert str(failure.value) == f"“{value}” is not a whole number written in digits"

    def test_the_range_is_checked(self):
        with translation.override("en"):
            with pytest.raises(ValueError, match="12 is outside 0–11"):
                parse_int("12", minimum=0, maximum=11)
            with pytest.raises(ValueError, match="-1 is less than 0"):
                parse_int("-1", minimum=0)
            with pytest.raises(ValueError, match="101 is more than 100"):
                parse_int("101", maximum=100)
        assert parse_int("", required=False) is None

    @given(st.text(max_size=6), st.integers(-20, 20), st.integers(0, 30))
    def test_the_spellings_are_exactly_what_the_parser_accepts_in_the_range(self, value, low, width):
        high = low + width
        try:
            parse_int(value, minimum=low, maximum=high)
            accepted = True
        except ValueError:
            accepted = False
        assert accepted is (value in whole_number_spellings(low, high))


class AmountTests:
    @pytest.mark.parametrize("value, amount", [
        ("1234.50", "1234.50"), ("1234,50", "1234.50"), ("1234,5", "1234.50"), ("1234", "1234.00"), ("0.01", "0.01"),
        ("0", "0.00"), ("1 234 567,50", "1234567.50"), ("1\u00a0234\u00a0567.50", "1234567.50"), ("1\u202f234", "1234.00"),
        ("99999999999999.99", "99999999999999.99"),
    ])
    def test_the_documented_forms_are_accepted(self, value, amount):
        assert parse_amount(value) == Decimal(amount)

    @pytest.mark.parametrize("value", ["1e3", "1E3", "NaN", "nan", "Infinity", "-Infinity", "inf", "1.234", "1,234.50",
                                       "1.234,50", ".5", "5.", "-5", "+5", "01", "1 23", "12 34", " 5", "5 ", "1  234",
                                       "１２", "٣", "5 KZT", "0x10", "1_000"])
    def test_anything_else_is_refused_with_the_one_message(self, value):
        with translation.override("en"), pytest.raises(ValueError) as failure:
            parse_amount(value)
        assert str(failure.value).startswith(f"“{value}” is not an amount")

    def test_an_amount_beyond_the_stored_precision_is_refused(self):
        with translation.override("en"), pytest.raises(ValueError, match="too large"):
            parse_amount("100000000000000")

    @given(st.decimals(min_value=0, max_value=Decimal("99999999999999.99"), places=2, allow_nan=False, allow_infinity=False))
    def test_every_amount_reads_back_from_its_plain_form(self, amount):
        assert parse_amount(f"{amount:f}") == amount
