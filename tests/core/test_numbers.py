"""The separators the charts read (``{% chart_number_format %}``) are the page's language's format."""

import json
import re

from django.template import Context, Template
from django.utils import translation


def rendered(language: str) -> dict:
    with translation.override(language):
        html = Template("{% load numbers %}{% chart_number_format %}").render(Context())
    assert html.startswith('<script id="chart-number-format" type="application/json">')
    return json.loads(re.sub(r"<[^>]+>", "", html))


class ChartNumberFormatTests:
    def test_kazakh_and_russian_group_with_a_no_break_space_and_english_with_a_comma(self):
        assert rendered("kk") == {"thousand": "\xa0", "decimal": ",", "grouping": 3}
        assert rendered("ru") == {"thousand": "\xa0", "decimal": ",", "grouping": 3}
        assert rendered("en") == {"thousand": ",", "decimal": ".", "grouping": 3}
