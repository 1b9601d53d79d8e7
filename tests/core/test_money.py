"""``core.money.money_text`` writes what ``floatformat(value, "2g")`` writes, in every language of the portal."""

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.money import money_text

AMOUNTS = st.one_of(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False, places=3),
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False),
    st.integers(min_value=-10**12, max_value=10**12),
)


class MoneyTextTests:
    @given(amount=AMOUNTS, language=st.sampled_from(["kk", "ru", "en"]))
    def test_it_writes_what_floatformat_writes(self, amount, language):
        with translation.override(language):
            assert money_text(amount) == floatformat(amount, "2g")

    def test_it_groups_thousands_with_a_non_breaking_space_in_kazakh(self):
        with translation.override("kk"):
            assert money_text(Decimal("1234567.505")) == "1\xa0234\xa0567,51"

    def test_an_unreadable_value_gives_an_empty_text_and_a_minus_zero_none(self):
        with translation.override("ru"):
            assert money_text("abc") == "" and money_text(Decimal("-0.001")) == "0,00"
