"""How a norm category is named on pages, files and PDFs: one helper, never ``get_level_display``.

Fixed categories (the levels of school_per_capita, ``place``, the scholarship categories) have
translated labels in code; free ones (grant specialty groups) take the programme's label when the
programme is at hand, else show their key.
"""

from __future__ import annotations

from programmes.instruments import FIXED_CATEGORY_LABELS


def category_label(key: str | None, programme=None) -> str:
    """The label of the norm category ``key``; ``programme`` may be a callable, called only for a free key."""
    if not key:
        return ""
    if key in FIXED_CATEGORY_LABELS:
        return str(FIXED_CATEGORY_LABELS[key])
    if callable(programme):
        programme = programme()
    if programme is not None:
        label = programme.category_labels().get(key)
        if label:
            return f"{key} — {label}"
    return key


def category_sort_key(key: str, programme=None) -> tuple[int, str]:
    """Categories in the programme's order (levels in teaching order), unknown ones last."""
    order = list(FIXED_CATEGORY_LABELS)
    if key in order:
        return (order.index(key), key)
    if programme is not None:
        keys = list(programme.category_labels())
        if key in keys:
            return (len(order) + keys.index(key), key)
    return (10_000, key)
