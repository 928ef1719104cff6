"""Tables of figures, and the rule that protects small counts in them.

Outside the admin role, and in every export meant for publishing, a count from
1 to 4 shows as "<5" and every other count is rounded to the nearest 5. Hiding
alone is not enough: the same figures meet on one page as parts and as totals
(a category's uses are the sum of its venues'), and one subtraction would give
a hidden count back. Rounded figures leave every such difference uncertain by
more than the hidden count itself.
"""

from dataclasses import dataclass, field

SMALL = range(1, 5)
TOTAL = -1  # the row index of a table's total row


@dataclass(frozen=True)
class Column:
    label: object
    kind: str = "count"  # text, count, number, month, year, date, share, change, ratio
    # share, change and ratio: (numerator column, denominator column); a denominator of
    # None is the numerator column's total.
    of: tuple[int, int | None] | None = None
    group: object = None  # a heading over this and its neighbours of the same group
    scale: int = 1  # a ratio per this many (per 1,000 inhabitants, say)

    @property
    def heading(self) -> str:
        """The label in a file's one header row: "group: label"."""
        return f"{self.group}: {self.label}" if self.group else str(self.label)


@dataclass(frozen=True)
class Heading:
    """A cell of a table's head: a column's label, or a group's over its columns."""

    label: object
    column: Column | None = None  # None: a group's heading
    span: int = 1


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
    # The column ranked by, largest first (ties by the first column): the page may then
    # show only the top rows.
    rank_by: int | None = None
    rounded: bool = False  # small counts hidden and the others rounded (``suppressed``)

    def __post_init__(self):
        if self.rank_by is not None:
            self.rows.sort(key=lambda cells: (-cells[self.rank_by], cells[0]))

    @property
    def ranked(self) -> bool:
        return self.rank_by is not None

    def head(self) -> list[list[Heading]]:
        """The rows of the table's head: one, or two where columns are grouped (the
        group's heading over its columns' labels; the others span both rows)."""
        if not any(column.group for column in self.columns):
            return [[Heading(column.label, column) for column in self.columns]]
        top, below = [], []
        for column in self.columns:
            if column.group is None:
                top.append(Heading(column.label, column, span=2))
            elif top and top[-1].column is None and top[-1].label == column.group:
                top[-1] = Heading(column.group, None, top[-1].span + 1)
                below.append(Heading(column.label, column))
            else:
                top.append(Heading(column.group))
                below.append(Heading(column.label, column))
        return [top, below]

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
        return Cell(ratio - 1 if spec.kind == "change" else ratio * spec.scale, spec.kind)

    def body(self) -> list[list[Cell]]:
        return [self.cells(row) for row in range(len(self.rows))]

    def cells(self, row: int) -> list[Cell]:
        return [self.cell(row, column) for column in range(len(self.columns))]

    def footer(self) -> list[Cell] | None:
        return self.cells(TOTAL) if self.total is not None else None

    def series(self, column: int) -> list[Cell]:
        """One column of the body, for a chart."""
        return [self.cell(row, column) for row in range(len(self.rows))]


def rounded(count: int) -> int:
    return 5 * round(count / 5)


def _as_shown(count: int) -> float:
    """A count as ranked once suppressed: "<5" between 0 and 5, the others rounded."""
    return 2.5 if count in SMALL else rounded(count)


def suppressed(table: Table) -> Table:
    """The table as it may be shown outside the admin role: counts from 1 to 4
    hidden, the others rounded to the nearest 5 (shares follow the rounded counts).
    A ranked table is ranked again by what it shows: rows ordered by their exact counts
    would tell which of two "<5" (or two rounded 10s) is larger."""
    if table.rank_by is not None:  # before positions are hidden
        table.rows.sort(key=lambda cells: (-_as_shown(cells[table.rank_by]), cells[0]))
    counts = [index for index, column in enumerate(table.columns) if column.kind == "count"]
    table.rounded = True
    lines = [(row, cells) for row, cells in enumerate(table.rows)]
    if table.total is not None:
        lines.append((TOTAL, table.total))
    for row, cells in lines:
        for column in counts:
            if cells[column] in SMALL:
                table.hidden.add((row, column))
            else:
                cells[column] = rounded(cells[column])
    return table
