"""The small-numbers rule and its complementary suppression (``opendata.privacy.withhold``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from opendata.choices import Mark
from opendata.privacy import Relation, is_small, withhold
from tests.opendata.recovery import recoverable


def _tree(regions: list[list[list[int]]]):
    """Cells and relations of a contingent-like tree: levels → school → region → country."""
    values, relations = {}, []
    country_parts = []
    for r, schools in enumerate(regions):
        region_parts = []
        for s, levels in enumerate(schools):
            parts = []
            for lvl, pupils in enumerate(levels):
                values[("level", r, s, lvl)] = pupils
                parts.append(("level", r, s, lvl))
            values[("school", r, s)] = sum(levels)
            relations.append(Relation(("school", r, s), tuple(parts)))
            region_parts.append(("school", r, s))
        values[("region", r)] = sum(values[part] for part in region_parts)
        relations.append(Relation(("region", r), tuple(region_parts)))
        country_parts.append(("region", r))
    values[("country",)] = sum(values[part] for part in country_parts)
    relations.append(Relation(("country",), tuple(country_parts)))
    return values, relations


def _withheld(figures) -> set:
    return {key for key, figure in figures.items() if figure.mark != Mark.SHOWN}


def _equations(relations):
    return [(relation.total, relation.parts) for relation in relations]


counts = st.integers(min_value=1, max_value=12)
trees = st.lists(st.lists(st.lists(counts, min_size=1, max_size=3), min_size=1, max_size=4), min_size=1, max_size=4)


class WithholdTests:
    def test_a_small_level_alone_would_be_worked_out_from_its_school_total(self):
        values, relations = _tree([[[5, 2]], [[9, 8]]])
        small_only = {key for key, pupils in values.items() if is_small(pupils)}
        assert recoverable(_equations(relations), small_only) == {("level", 0, 0, 1)}

    def test_the_next_smallest_level_is_withheld_with_it_and_reads_x(self):
        values, relations = _tree([[[6, 2, 5]], [[9, 8]]])
        figures = withhold(values, values, relations)
        assert figures[("level", 0, 0, 1)].mark == Mark.SMALL and figures[("level", 0, 0, 1)].value is None
        assert figures[("level", 0, 0, 2)].mark == Mark.WITHHELD and figures[("level", 0, 0, 2)].value is None
        assert figures[("level", 0, 0, 0)].value == 6 and figures[("school", 0, 0)].value == 13
        assert not recoverable(_equations(relations), _withheld(figures))

    def test_a_level_of_nine_pupils_or_more_is_preferred_so_that_the_small_one_can_still_be_one_to_four(self):
        """With 5 withheld, 2 + 5 = 7 and "x ≥ 5" would leave the <5 at 1 or 2; with 9, anything from 1 to 4."""
        values, relations = _tree([[[5, 2, 9]], [[9, 8]]])
        figures = withhold(values, values, relations)
        assert figures[("level", 0, 0, 2)].mark == Mark.WITHHELD and figures[("level", 0, 0, 0)].value == 5

    def test_a_small_region_takes_the_next_smallest_region_and_its_school_down_with_it(self):
        """Country 9 − region 7 would tell the region of 2 pupils; the region of 7 has one school of 7."""
        values, relations = _tree([[[5, 2]], [[2]]])
        figures = withhold(values, values, relations)
        assert figures[("region", 0)].mark == Mark.WITHHELD and figures[("school", 0, 0)].mark == Mark.WITHHELD
        assert figures[("country",)].value == 9
        assert not recoverable(_equations(relations), _withheld(figures))

    def test_linked_cells_share_their_fate(self):
        values = {("a", "paid"): 10, ("a", "accepted"): 10, ("b", "paid"): 2, ("b", "accepted"): 2,
                  ("t", "paid"): 12, ("t", "accepted"): 12}
        relations = [Relation(("t", name), (("a", name), ("b", name))) for name in ("paid", "accepted")]
        pupils = {("a", "paid"): 6, ("a", "accepted"): 6, ("b", "paid"): 2, ("b", "accepted"): 2,
                  ("t", "paid"): 8, ("t", "accepted"): 8}
        figures = withhold(values, pupils, relations, linked=lambda cell: [(cell[0], n) for n in ("paid", "accepted")])
        assert {key for key, f in figures.items() if f.mark == Mark.WITHHELD} == {("a", "paid"), ("a", "accepted")}

    def test_a_tree_without_small_cells_is_shown_whole(self):
        values, relations = _tree([[[5, 6]], [[9, 8]]])
        assert not _withheld(withhold(values, values, relations))

    @settings(max_examples=150, deadline=None)
    @given(trees)
    def test_no_withheld_cell_is_ever_worked_out_from_the_published_sums(self, regions):
        values, relations = _tree(regions)
        figures = withhold(values, values, relations)
        assert all(figures[key].mark == Mark.SMALL for key, pupils in values.items() if is_small(pupils))
        assert all(figures[key].value in (None, values[key]) for key in values)
        assert not recoverable(_equations(relations), _withheld(figures))
