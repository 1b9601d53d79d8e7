"""Numbers drawn by the browser in the page's language (``{% load numbers %}``).

``{% chart_number_format %}`` writes the separators of the active language's format (``eqazyna/formats``:
a no-break space between thousands and a decimal comma in Kazakh and Russian, "," and "." in English) as a
JSON block that ``static/js/chart-numbers.js`` reads, so that a chart's axes and tooltips group digits as
the tables under it do ("40 000 000", not the browser's "40,000,000").
"""

from django import template
from django.utils.formats import get_format
from django.utils.html import json_script

register = template.Library()


def number_format() -> dict:
    return {"thousand": get_format("THOUSAND_SEPARATOR"), "decimal": get_format("DECIMAL_SEPARATOR"),
            "grouping": get_format("NUMBER_GROUPING")}


@register.simple_tag
def chart_number_format():
    return json_script(number_format(), "chart-number-format")
