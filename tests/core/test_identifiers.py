import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.identifiers import (
    check_digit,
    make_bin,
    make_iin,
    parse_bin,
    parse_iin,
    validate_iin_matches_birth_date,
    validate_kz_iban,
)


def reference_check_digit(body: str):
    """An independent restatement of the rule from DOMAIN.md, for the property tests."""
    first = sum(int(body[i]) * (i + 1) for i in range(11)) % 11
    if first != 10:
        return first
    weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
    second = sum(int(body[i]) * weights[i] for i in range(11)) % 11
    return None if second == 10 else second


class IinFixedVectorTests:
    # 1·1+5·2+0·3+3·4+1·5+4·6+5·7+0·8+1·9+2·10+3·11 = 149; 149 mod 11 = 6
    def test_valid_iin_of_a_boy_born_in_2015(self):
        info = parse_iin("150314501236")
        assert info.birth_date == dt.date(2015, 3, 14)
        assert info.sex == "male"

    def test_valid_iin_of_a_girl_born_in_2014(self):
        info = parse_iin("140901600779")
        assert info.birth_date == dt.date(2014, 9, 1)
        assert info.sex == "female"

    def test_valid_iin_of_a_man_born_in_the_1900s(self):
        assert parse_iin("851231345213").birth_date == dt.date(1985, 12, 31)

    def test_iin_from_the_1800s_decodes_its_century(self):
        assert parse_iin("990101200057").birth_date == dt.date(1899, 1, 1)

    # first pass gives 87 mod 11 = 10; second pass 125 mod 11 = 4
    def test_iin_whose_check_digit_needs_the_second_weights(self):
        assert parse_iin("150314500004").birth_date == dt.date(2015, 3, 14)

    # both passes give 10: no check digit exists for this body
    @pytest.mark.parametrize("last", list("0123456789"))
    def test_iin_body_without_any_check_digit_is_always_invalid(self, last):
        with pytest.raises(ValidationError) as error:
            parse_iin("15031450003" + last)
        assert error.value.code == "check_digit"

    @pytest.mark.parametrize(
        "value, code",
        [
            ("150314501237", "check_digit"),  # wrong check digit
            ("15031450123", "format"),  # 11 digits
            ("1503145012361", "format"),  # 13 digits
            ("15031450123a", "format"),
            ("", "format"),
            ("١٥٠٣١٤٥٠١٢٣٦", "format"),  # Arabic-Indic digits are not ASCII
        ],
    )
    def test_invalid_iins_are_refused_with_a_reason(self, value, code):
        with pytest.raises(ValidationError) as error:
            parse_iin(value)
        assert error.value.code == code

    def test_iin_with_an_impossible_birth_date_is_refused(self):
        body = "150231501"  # 31 February
        value = next(
            f"{body}{a}{b}{check_digit(f'{body}{a}{b}')}"
            for a in range(10) for b in range(10) if check_digit(f"{body}{a}{b}") is not None
        )
        with pytest.raises(ValidationError) as error:
            parse_iin(value)
        assert error.value.code == "birth_date"

    def test_iin_with_century_digit_outside_1_to_6_is_refused(self):
        body = "150314701"
        value = next(
            f"{body}{a}{b}{check_digit(f'{body}{a}{b}')}"
            for a in range(10) for b in range(10) if check_digit(f"{body}{a}{b}") is not None
        )
        with pytest.raises(ValidationError) as error:
            parse_iin(value)
        assert error.value.code == "century"

    def test_iin_disagreeing_with_the_given_birth_date_is_refused(self):
        with pytest.raises(ValidationError) as error:
            validate_iin_matches_birth_date("150314501236", dt.date(2015, 3, 15))
        assert error.value.code == "birth_date_mismatch"


class IinPropertyTests:
    @given(st.text(alphabet="0123456789", min_size=11, max_size=11))
    def test_check_digit_matches_the_reference_rule(self, body):
        assert check_digit(body) == reference_check_digit(body)

    @given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.integers(0, 9))
    def test_exactly_the_computed_check_digit_validates(self, body, last):
        expected = reference_check_digit(body)
        value = body + str(last)
        try:
            parse_iin(value)
            accepted = True
        except ValidationError as error:
            accepted = error.code not in {"check_digit"}
        assert accepted == (expected == last)

    @given(
        st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)),
        st.sampled_from(["male", "female"]),
        st.integers(0, 9999),
    )
    def test_birth_date_and_sex_round_trip(self, birth_date, sex, serial):
        value = make_iin(birth_date, sex, serial)
        if value is None:
            marker = {(1800, "male"): 1, (1800, "female"): 2, (1900, "male"): 3,
                      (1900, "female"): 4, (2000, "male"): 5, (2000, "female"): 6}[(birth_date.year // 100 * 100, sex)]
            assert reference_check_digit(f"{birth_date:%y%m%d}{marker}{serial:04d}") is None
            return
        info = parse_iin(value)
        assert (info.birth_date, info.sex) == (birth_date, sex)


class BinTests:
    def test_valid_bin_decodes_registration_and_entity_type(self):
        info = parse_bin("180340001013")
        assert (info.registered_year, info.registered_month) == (2018, 3)
        assert info.entity_type == "resident"
        assert info.unit_type == "head"

    def test_valid_bin_of_an_entrepreneur(self):
        assert parse_bin("200160000073").entity_type == "entrepreneur"

    @pytest.mark.parametrize(
        "value, code",
        [
            ("180340001014", "check_digit"),
            ("18034000101", "format"),
        ],
    )
    def test_invalid_bins_are_refused(self, value, code):
        with pytest.raises(ValidationError) as error:
            parse_bin(value)
        assert error.value.code == code

    def test_bin_with_entity_digit_outside_4_5_6_is_refused(self):
        value = make_bin(18, 3, 5, entity="7")
        with pytest.raises(ValidationError) as error:
            parse_bin(value)
        assert error.value.code == "entity_type"

    def test_bin_with_month_13_is_refused(self):
        value = make_bin(18, 13, 5)
        with pytest.raises(ValidationError) as error:
            parse_bin(value)
        assert error.value.code == "month"

    @given(st.integers(0, 99), st.integers(1, 12), st.sampled_from("456"), st.sampled_from("0123"), st.integers(0, 99999))
    def test_generated_bins_are_valid(self, year, month, entity, unit, serial):
        value = make_bin(year, month, serial, entity=entity, unit=unit)
        if value is not None:
            assert parse_bin(value).registered_month == month


class IbanTests:
    @pytest.mark.parametrize("value", ["KZ86125KZT5004100100", "kz86 125K ZT50 0410 0100", "KZ686010000000123456"])
    def test_valid_kz_ibans(self, value):
        validate_kz_iban(value)

    @pytest.mark.parametrize(
        "value, code",
        [
            ("KZ87125KZT5004100100", "iban_check"),
            ("KZ86125KZT500410010", "iban_format"),
            ("DE89370400440532013000", "iban_format"),
            ("", "iban_format"),
        ],
    )
    def test_invalid_ibans(self, value, code):
        with pytest.raises(ValidationError) as error:
            validate_kz_iban(value)
        assert error.value.code == code

    @given(st.text(alphabet="0123456789", min_size=3, max_size=3), st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=13, max_size=13))
    def test_any_bban_with_computed_check_digits_is_valid(self, bank, account):
        from schwifty import IBAN

        iban = IBAN.generate("KZ", bank_code=bank, account_code=account)
        validate_kz_iban(str(iban))
