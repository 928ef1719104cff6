"""Small counts outside the admin role: 1 to 4 show as "<5", the rest are rounded to 5."""

from hypothesis import given
from hypothesis import strategies as st

from app.core.tables import TOTAL, Column, Table, suppressed


def column_table(*values) -> Table:
    return Table(
        "t",
        "T",
        [Column("label", "text"), Column("count"), Column("share", "share", of=(1, None))],
        [[f"row {n}", value, None] for n, value in enumerate(values)],
        total=["Total", sum(values), None],
    )


def shown(table: Table) -> list:
    return [cell.value if not cell.hidden else "<5" for cell in table.series(1)]


def test_counts_from_1_to_4_are_hidden_zero_stays_and_the_rest_are_rounded_to_5():
    table = suppressed(column_table(0, 1, 4, 5, 7, 8, 23, 40))
    assert shown(table) == [0, "<5", "<5", 5, 5, 10, 25, 40]
    assert table.cell(TOTAL, 1).value == 90  # 88


def test_a_difference_of_shown_counts_leaves_a_hidden_count_uncertain():
    # venues 20 and 3 make a category of 23: 25 - 20 = 5 says nothing about the 3
    venues, category = suppressed(column_table(20, 3)), suppressed(column_table(23))
    assert shown(venues) == [20, "<5"]
    assert shown(category) == [25]


def test_shares_follow_the_rounded_counts_and_hide_with_them():
    table = suppressed(column_table(12, 3, 21))
    assert [cell.hidden for cell in table.series(2)] == [False, True, False]
    assert table.cell(2, 2).value == 20 / 35  # 20 of the rounded total 35 (36)


def test_a_small_total_is_hidden():
    table = suppressed(column_table(0, 2, 0))
    assert table.cell(TOTAL, 1).hidden


@given(st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_every_count_shown_is_0_or_a_multiple_of_5_near_the_truth(values):
    table = suppressed(column_table(*values))
    for truth, cell in zip([*values, sum(values)], [*table.series(1), table.cell(TOTAL, 1)]):
        assert cell.hidden == (1 <= truth <= 4)
        if not cell.hidden:
            assert cell.value % 5 == 0 and abs(cell.value - truth) <= 2


def ranked_table(counts: dict) -> Table:
    return Table(
        "venues",
        "Uses by venue",
        [Column("venue", "text"), Column("uses")],
        [[name, count] for name, count in counts.items()],
        rank_by=1,
    )


def test_a_ranked_table_is_ranked_by_its_exact_counts_for_admins():
    table = ranked_table({"Aalto": 2, "Bio": 4, "Cirkus": 30, "Dance": 3})
    assert [row[0] for row in table.rows] == ["Cirkus", "Bio", "Dance", "Aalto"]


def test_a_suppressed_ranked_table_is_ranked_by_what_it_shows():
    """Two "<5" or two rounded 10s in the order of their exact counts would tell which is
    larger: equal as shown, they go by name."""
    table = suppressed(
        ranked_table(
            {"Dance": 4, "Bio": 3, "Aalto": 1, "Cirkus": 30, "Eko": 12, "Forum": 8, "Galleria": 0}
        )
    )
    assert [row[0] for row in table.rows] == [
        "Cirkus",
        "Eko",
        "Forum",
        "Aalto",
        "Bio",
        "Dance",
        "Galleria",
    ]
    assert shown(table) == [30, 10, 10, "<5", "<5", "<5", 0]
