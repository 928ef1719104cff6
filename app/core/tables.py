"""Tables of figures, and the rule that hides small counts in them.

Outside the admin role, and in every export meant for publishing, a count from
1 to 4 shows as "<5". Where a column adds up to a total that is shown, one
hidden cell could be worked back from the total and the other cells, so a
second cell of that column is hidden as well (the smallest one that is not
zero). Tables therefore never show a column that is the sum of other columns.
"""

from dataclasses import dataclass, field

SMALL = range(1, 5)
TOTAL = -1  # the row index of a table's total row


@dataclass(frozen=True)
class Column:
    label: object
    kind: str = "count"  # text, count, month, year, share, change
    # share and change: (numerator column, denominator column); a denominator of
    # None is the numerator column's total.
    of: tuple[int, int | None] | None = None
    hint: object = None  # a longer explanation, shown with the table


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str
    hidden: bool = False


@dataclass
class Table:
    name: str  # the CSV file's name and the table's anchor
    title: object
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total: list | None = None  # the first cell is its label
    hidden: set[tuple[int, int]] = field(default_factory=set)
    description: object = None
    chart: tuple[int, ...] = ()  # the columns a chart draws, as bars side by side

    def value(self, row: int, column: int):
        return (self.total if row == TOTAL else self.rows[row])[column]

    def cell(self, row: int, column: int) -> Cell:
        spec = self.columns[column]
        if row == TOTAL and column == 0:
            return Cell(self.value(row, column), "text")  # the word "Total"
        if spec.of is None:
            return Cell(self.value(row, column), spec.kind, (row, column) in self.hidden)
        top, bottom = spec.of
        under = (row, bottom) if bottom is not None else (TOTAL, top)
        if {(row, top), under} & self.hidden:
            return Cell(None, spec.kind, hidden=True)
        numerator, denominator = self.value(row, top), self.value(*under)
        if not denominator:
            return Cell(None, spec.kind)
        ratio = numerator / denominator
        return Cell(ratio - 1 if spec.kind == "change" else ratio, spec.kind)

    def body(self) -> list[list[Cell]]:
        return [self.cells(row) for row in range(len(self.rows))]

    def cells(self, row: int) -> list[Cell]:
        return [self.cell(row, column) for column in range(len(self.columns))]

    def footer(self) -> list[Cell] | None:
        return self.cells(TOTAL) if self.total is not None else None

    def series(self, column: int) -> list[Cell]:
        """One column of the body, for a chart."""
        return [self.cell(row, column) for row in range(len(self.rows))]


def suppressed(table: Table) -> Table:
    """The table with small counts hidden so that no total gives them away."""
    counts = [index for index, column in enumerate(table.columns) if column.kind == "count"]
    rows = list(range(len(table.rows))) + ([TOTAL] if table.total is not None else [])
    hidden = {
        (row, column) for row in rows for column in counts if table.value(row, column) in SMALL
    }
    lines = []
    if table.total is not None:
        lines = [[(row, column) for row in rows] for column in counts]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            shown = [cell for cell in line if cell not in hidden and table.value(*cell)]
            if shown:
                hidden.add(min(shown, key=lambda cell: table.value(*cell)))
                changed = True
    table.hidden = hidden
    return table
