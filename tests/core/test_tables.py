"""Small counts: 1 to 4 show as "<5", and no shown total gives a hidden count away."""

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


def test_counts_from_1_to_4_are_hidden_and_zero_is_not():
    table = suppressed(column_table(0, 1, 4, 5, 30, 40))
    assert shown(table) == [0, "<5", "<5", 5, 30, 40]


def test_a_lone_hidden_count_takes_the_smallest_other_with_it():
    table = suppressed(column_table(12, 3, 20))
    assert shown(table) == ["<5", "<5", 20]  # else 35 - 12 - 20 gives the 3 away
    assert table.cell(TOTAL, 1).value == 35


def test_shares_of_hidden_counts_are_hidden_too():
    table = suppressed(column_table(12, 3, 20))
    assert [cell.hidden for cell in table.series(2)] == [True, True, False]
    assert round(table.cell(2, 2).value, 3) == round(20 / 35, 3)


def test_a_small_total_is_hidden():
    table = suppressed(column_table(0, 2, 0))
    assert table.cell(TOTAL, 1).hidden


@given(st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=2), min_size=1, max_size=6))
def test_no_column_ever_has_a_single_hidden_cell(rows):
    table = Table(
        "h",
        "H",
        [Column("label", "text"), Column("a"), Column("b")],
        [[str(n), a, b] for n, (a, b) in enumerate(rows)],
        total=["Total", sum(a for a, _ in rows), sum(b for _, b in rows)],
    )
    suppressed(table)
    every_row = [*range(len(rows)), TOTAL]
    for column in (1, 2):
        assert sum((row, column) in table.hidden for row in every_row) != 1
        for row in every_row:
            if table.value(row, column) in range(1, 5):
                assert (row, column) in table.hidden
