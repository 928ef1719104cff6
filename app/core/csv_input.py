"""Reading the CSV files people upload: whatever their spreadsheet saved."""

import csv
import io

from flask_babel import lazy_gettext as _l

from .exceptions import InvalidInput


def read_rows(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, rows): UTF-8 (or Windows-1252), separated by semicolons, commas or tabs;
    rows whose first cell starts with # are notes, empty rows are skipped. The header's
    names are stripped and lower case; each row comes with the line it starts on, its
    cells stripped. A file the CSV reader can't read is refused, naming the line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first_line = next(
        (line for line in text.split("\n") if line.strip() and not line.startswith("#")), ""
    )
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, line = [], 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells) and not cells[0].lstrip().startswith("#"):
                rows.append((line, [cell.strip() for cell in cells]))
            line = reader.line_num + 1
    except csv.Error:
        raise InvalidInput(
            _l(
                "Line %(line)d can't be read: a cell is too long or a quote is not closed.",
                line=line,
            ),
            "file",
        ) from None
    if not rows:
        raise InvalidInput(_l("The file is empty."), "file")
    (_, header), *rows = rows
    return [name.lower() for name in header], rows
