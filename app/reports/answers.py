"""The wellbeing questions' answers of a year as tables: for each question, how holders
answered at their first registration and at a renewal, and for the holders who answered
it at both, how their answer changed. Counts only: no table shows a person."""

from flask_babel import lazy_gettext as _l

from ..core import wellbeing
from ..core.tables import Column, Table, suppressed
from .tables import with_total


def tables(year: int, area_id: int | None, language: str, publish: bool) -> list[Table]:
    """Two tables a question answered in ``year`` (in the home area ``area_id``), small
    counts hidden when published."""
    found = []
    for counts in wellbeing.counts(year, area_id):
        found += [answers(counts, language), changes(counts, language)]
    return [suppressed(table) for table in found] if publish else found


def _title(question, language: str, what=None):
    title = _l(
        "Version %(version)d, question %(n)d: %(question)s",
        version=question.set.version,
        n=question.position,
        question=question.text(language),
    )
    return _l("%(title)s – %(what)s", title=title, what=what) if what else title


def answers(counts: wellbeing.Counts, language: str) -> Table:
    question = counts.question
    rows = [
        [
            text,
            counts.by_occasion.get(("registration", option), 0),
            None,
            counts.by_occasion.get(("renewal", option), 0),
            None,
        ]
        for option, text in question.choices(language)
    ]
    return with_total(
        Table(
            f"wellbeing-{question.id}",
            _title(question, language),
            [
                Column(_l("Answer"), "text"),
                Column(_l("At first registration")),
                Column(_l("Share"), "share", of=(1, None)),
                Column(_l("At renewal")),
                Column(_l("Share"), "share", of=(3, None)),
            ],
            rows,
            chart=(1, 3),
            description=_l(
                "The answers given in the year, at the holders' first registration and at "
                "renewals. Holders who skipped the question are not counted."
            ),
        )
    )


def changes(counts: wellbeing.Counts, language: str) -> Table:
    """First answer (rows) by the answer at renewal (columns)."""
    question = counts.question
    choices = question.choices(language)
    rows = [
        [first_text, *(counts.pairs.get((first, then), 0) for then, _ in choices), None]
        for first, first_text in choices
    ]
    for row in rows:
        row[-1] = sum(row[1:-1])
    return with_total(
        Table(
            f"wellbeing-{question.id}-change",
            _title(question, language, _l("change since the first registration")),
            [
                Column(_l("At first registration"), "text"),
                *(Column(text, group=_l("At renewal")) for _, text in choices),
                Column(_l("All")),
            ],
            rows,
            description=_l(
                "The holders who answered at a renewal in the year and had answered the same "
                "question at their first registration: each row is their first answer, each "
                "column their answer at renewal."
            ),
        )
    )
