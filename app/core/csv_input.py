"""Reading the CSV files people upload: whatever their spreadsheet saved."""

import csv
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from .exceptions import InvalidInput


def read_rows(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """(header, rows): UTF-8 (or Windows-1252), separated by semicolons, commas or tabs,
    lines starting with # are notes. The header's names are stripped and lower case;
    each row comes with its line number in the file, its cells stripped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]
    if not lines:
        raise InvalidInput(_l("The file is empty."), "file")
    delimiter = max(";,\t", key=lines[0][1].count)
    cells = csv.reader((line for _, line in lines), delimiter=delimiter)
    header = [name.strip().lower() for name in next(cells)]
    numbered = (
        (number, [cell.strip() for cell in row]) for (number, _), row in zip(lines[1:], cells)
    )
    return header, numbered
