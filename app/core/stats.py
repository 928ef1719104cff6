"""The figures the programme reports, for any period and any user's scope.

Every figure counts only uses that were not voided. A holder whose card was
replaced counts once: uses and registrations are keyed by the holder's first
card. Periods are Finnish calendar days, inclusive at both ends. Sums over whole
months come from the monthly totals of app/core/tallies.py, the rest from the uses.
"""

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, case, cast, distinct, exists, func, literal_column, select

from ..extensions import db
from ..models import (
    CATEGORIES,
    Card,
    CardPeriod,
    Event,
    MonthlyHomeUses,
    MonthlyUses,
    Municipality,
    Site,
    Use,
)
from .access import Viewer, card_scope, use_scope
from .clock import day_start_utc, local_day, local_today
from .exceptions import InvalidInput
from .validation import check_date

FREQUENCIES = ("once", "2-5", "6+")  # how many times a card was used in the period
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a period may cover


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the last day counted

    def year_earlier(self) -> "Period":
        return Period(_year_back(self.start), _year_back(self.end))

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        year, month = self.start.year, self.start.month
        months = []
        while (year, month) <= (self.end.year, self.end.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def whole_months(self) -> "Period | None":
        """The longest stretch of the period made of whole calendar months, if any."""
        first = self.start if self.start.day == 1 else _first_of_next_month(self.start)
        last = self.end
        if (last + timedelta(days=1)).day != 1:
            last = self.end.replace(day=1) - timedelta(days=1)
        return Period(first, last) if first <= last else None

    def around(self, part: "Period | None") -> list["Period"]:
        """The days of the period before and after ``part``, a stretch of it."""
        if part is None:
            return [self]
        before = Period(self.start, part.start - timedelta(days=1))
        after = Period(part.end + timedelta(days=1), self.end)
        return [piece for piece in (before, after) if piece.start <= piece.end]


def _first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def year_to_date() -> Period:
    today = local_today()
    return Period(date(today.year, 1, 1), today)


def check_period(start, end) -> Period:
    """A period from a form's two dates; either may be left out (this year so far)."""
    default = year_to_date()
    start = check_date("start", start) if start else default.start
    end = check_date("end", end) if end else max(default.end, start)
    for name, day in (("start", start), ("end", end)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise InvalidInput(
                _l("Choose a date from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR),
                name,
            )
    if end < start:
        raise InvalidInput(_l("The period must not end before it starts."), "end")
    if (end - start).days > 366 * 20:
        raise InvalidInput(_l("The period can be at most 20 years long."), "start")
    return Period(start, end)


def counted(period: Period, grouped: bool = False):
    """The uses a figure counts: not voided, on the period's Finnish days.

    ``grouped``: the figure reads every use in the period, nationally, in the order of
    an index that groups them (by holder, by venue). SQLite keeps no statistics of date
    ranges and takes any range for a narrow one, so it would rather sort five years of
    uses than read that index, unless told how much of the registry the period covers.
    (A scoped figure is better served by the indexes its scope narrows down.)"""
    days = [Use.day >= period.start, Use.day <= period.end]
    if grouped and db.session.get_bind().dialect.name == "sqlite":
        share = literal_column(f"{_share_of_registry(period):.2f}")
        days = [func.likelihood(condition, share) for condition in days]
    return Use.voided_at.is_(None), *days


def _share_of_registry(period: Period) -> float:
    """About how many of the registry's uses fall in the period: its share of the days
    from the first use to today."""
    first = db.session.scalar(select(func.min(Use.day)).where(Use.voided_at.is_(None)))
    today = local_today()
    if first is None or first > today:
        return 1.0
    covered = (min(period.end, today) - max(period.start, first)).days + 1
    return min(max(covered / ((today - first).days + 1), 0.0), 1.0)


_TALLY = func.count(), func.coalesce(func.sum(Use.children), 0)  # adults, children


def read_only() -> None:
    """Statistics only read. On SQLite their transaction must not take the write lock
    that desks need (BEGIN, not BEGIN IMMEDIATE; see extensions.py), however long a
    dashboard or an export takes."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={"read_only": True})


def at_once(**jobs) -> dict:
    """Run independent queries side by side, each in its own session: a dashboard
    needs a dozen scans, and both databases serve readers in parallel."""
    if db.engine.url.database in (None, "", ":memory:"):  # one connection is the database
        return {name: job() for name, job in jobs.items()}
    app = current_app._get_current_object()

    def run(job):
        with app.app_context():
            read_only()
            try:
                return job()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=min(len(jobs), 4)) as pool:
        futures = {name: pool.submit(run, job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


@dataclass(frozen=True)
class Place:
    """Uses at one venue, of one category, by cards of one home area."""

    venue_id: int
    venue_area_id: int
    category: str
    home_area_id: int
    adults: int
    children: int

    @property
    def away_from_home(self) -> bool:
        """A card from another area than the venue's."""
        return self.home_area_id != self.venue_area_id


@dataclass
class Tally:
    adults: int = 0
    children: int = 0

    def add(self, adults: int, children: int) -> None:
        self.adults += adults
        self.children += children


class Usage:
    """The uses one user may count in a period: by place (venue, category and the
    card's home area), which rolls up to every breakdown but time."""

    def __init__(self, places: list[Place]):
        self.places = places

    def total(self) -> Tally:
        return self.by(lambda place: None).get(None, Tally())

    def by(self, key) -> dict:
        tallies = defaultdict(Tally)
        for place in self.places:
            tallies[key(place)].add(place.adults, place.children)
        return dict(tallies)

    def by_categories(self, key) -> dict:
        """{key: {category: Tally}}"""
        tallies = defaultdict(lambda: defaultdict(Tally))
        for place in self.places:
            tallies[key(place)][place.category].add(place.adults, place.children)
        return {name: dict(categories) for name, categories in tallies.items()}

    def from_other_areas(self) -> Tally:
        """Uses by cards whose home area is not the venue's."""
        return self.by(lambda place: place.away_from_home).get(True, Tally())


def _tallied(viewer: Viewer, period: Period, keys, monthly=MonthlyUses) -> list[tuple]:
    """Adults and children by ``keys(table, date_column)``: whole months added up from
    ``monthly`` (MonthlyUses, or for national figures MonthlyHomeUses), the days around
    them counted from the uses (and every day for an issuer and a municipality, as the
    monthly totals leave the issuing site and the home municipality out)."""
    whole = period.whole_months() if viewer.role not in ("issuer", "municipality") else None
    rows = []
    if whole:
        by = keys(monthly, monthly.month)
        rows += db.session.execute(
            select(*by, func.sum(monthly.adults), func.sum(monthly.children))
            .where(
                monthly.month >= whole.start,
                monthly.month <= whole.end,
                use_scope(viewer, monthly),
            )
            .group_by(*by)
            .having(func.sum(monthly.adults) > 0)  # not where every use was undone
        ).all()
    for days in period.around(whole):
        by = keys(Use, Use.day)
        rows += db.session.execute(
            select(*by, *_TALLY).where(*counted(days), use_scope(viewer)).group_by(*by)
        ).all()
    return rows


def places(viewer: Viewer, period: Period) -> list[Place]:
    venue_areas = dict(db.session.execute(select(Site.id, Site.area_id)).all())
    tallies = defaultdict(Tally)
    for venue, category, home, adults, children in _tallied(
        viewer, period, lambda uses, _: (uses.venue_id, uses.category, uses.home_area_id)
    ):
        tallies[venue, category, home].add(adults, children)
    return [
        Place(venue, venue_areas[venue], category, home, tally.adults, tally.children)
        for (venue, category, home), tally in tallies.items()
    ]


def months(viewer: Viewer, period: Period) -> dict[tuple[int, int], Tally]:
    tallies = defaultdict(Tally)
    for day, adults, children in _tallied(viewer, period, lambda _, day: (day,)):
        tallies[day.year, day.month].add(adults, children)
    return dict(tallies)


def cards_per_venue(viewer: Viewer, period: Period) -> dict[int, int]:
    """How many different holders each venue reached."""
    return dict(
        db.session.execute(
            select(Use.venue_id, func.count(distinct(Use.first_card_id)))
            .where(*counted(period, grouped=viewer.is_national_admin), use_scope(viewer))
            .group_by(Use.venue_id)
        ).all()
    )


@dataclass(frozen=True)
class EventUses:
    """The uses of one event, counted by the event's date rather than the day each was
    recorded (advance tickets are recorded days before)."""

    event_id: int
    venue_id: int
    day: date
    name: str
    adults: int
    children: int
    in_advance: int  # uses recorded before the event's day


def by_event_date(viewer: Viewer, period: Period) -> list[EventUses]:
    """The events held in the period and their uses, whenever those were recorded."""
    rows = db.session.execute(
        select(
            Event.id,
            Event.venue_id,
            Event.date,
            Event.name,
            func.coalesce(func.sum(Use.adults), 0),
            func.coalesce(func.sum(Use.children), 0),
            func.count(case((Use.day < Event.date, 1))),
        )
        .join(Use, Use.event_id == Event.id)
        .where(
            Event.date >= period.start,
            Event.date <= period.end,
            Use.voided_at.is_(None),
            use_scope(viewer),
        )
        .group_by(Event.id, Event.venue_id, Event.date, Event.name)
        .order_by(Event.date, Event.name)
    )
    return [EventUses(*row) for row in rows]


def frequency(viewer: Viewer, period: Period) -> dict[str, int]:
    """How many holders used their card once, 2-5 times and 6 or more times."""
    per_card = _per_holder(viewer, period)
    bucket = _how_often(per_card.c.uses)
    counts = dict(db.session.execute(select(bucket, func.count()).group_by(bucket)).all())
    return {name: counts.get(name, 0) for name in FREQUENCIES}


def frequency_in(viewer: Viewer, periods: list[Period]) -> list[dict[str, int]]:
    """``frequency`` in each of the periods, from one reading of their uses. Nationally
    counted by holder and day first, in the order of ix_use_holder: grouped by holder
    alone, PostgreSQL would rather hash years of uses (spilling them to disk) than read
    that index. A scope's fewer uses it hashes by holder at once. (For a period of a year
    or less, ``frequency`` is quicker.)"""
    by = Use.first_card_id, Use.day
    if viewer.is_national_admin:
        source = select(*by, func.count().label("uses")).group_by(*by)
    else:
        source = select(*by, literal_column("1").label("uses"))
    where = *counted(_span(periods), grouped=viewer.is_national_admin), use_scope(viewer)
    holder, day, uses = source.where(*where).subquery().c
    in_each = [func.sum(case((_on(day, period), uses), else_=0)) for period in periods]
    per_holder = select(*in_each).group_by(holder).subquery()
    buckets = [
        func.count(case((_how_often(column) == name, 1)))
        for column in per_holder.c
        for name in FREQUENCIES
    ]
    counts = iter(db.session.execute(select(*buckets)).one())
    return [{name: next(counts) for name in FREQUENCIES} for _ in periods]


def _how_often(uses):
    """The FREQUENCIES bucket of a holder's number of uses (None for none)."""
    return case(
        (uses == 0, None),
        (uses == 1, FREQUENCIES[0]),
        (uses <= 5, FREQUENCIES[1]),
        else_=FREQUENCIES[2],
    )


def _per_holder(viewer: Viewer, period: Period):
    """A subquery: each holder (by first card) who used a card in the period, and how
    many times."""
    return (
        select(Use.first_card_id, func.count().label("uses"))
        .where(*counted(period, grouped=viewer.is_national_admin), use_scope(viewer))
        .group_by(Use.first_card_id)
        .subquery()
    )


def _span(periods: list[Period]) -> Period:
    """The days from the first period's start to the last one's end: read once for all."""
    return Period(min(period.start for period in periods), max(period.end for period in periods))


def _on(day, period: Period):
    """Whether ``day`` (a column of days) is one of the period's."""
    return day.between(period.start, period.end)


def _tally_in(period: Period, extra):
    """The uses on the period's days, and the sum of ``extra`` (children, clients) on them:
    counted side by side with other periods' from one reading of the uses."""
    on = _on(Use.day, period)
    return func.count(case((on, 1))), func.coalesce(func.sum(case((on, extra))), 0)


@dataclass(frozen=True)
class Registrations:
    """Holders registered at one issuing site in a period, and how many of them
    have used their card at least once (by now)."""

    home_area_id: int
    issuing_site_id: int
    municipality_code: str | None  # the holder's home municipality, None if not known
    registered: int
    activated: int


def registrations(viewer: Viewer, period: Period) -> list[Registrations]:
    rows = db.session.execute(
        select(
            Card.home_area_id,
            Card.issuing_site_id,
            Card.municipality_code,
            func.count(),
            func.count(Card.first_used_at),
        )
        .where(
            Card.first_card_id == Card.id,  # a replacement is the same holder
            Card.registered_at >= day_start_utc(period.start),
            Card.registered_at < day_start_utc(period.end + timedelta(days=1)),
            card_scope(viewer),
        )
        .group_by(Card.home_area_id, Card.issuing_site_id, Card.municipality_code)
    )
    return [Registrations(*row) for row in rows]


@dataclass(frozen=True)
class Community:
    """Community cards, reported apart from personal ones: registered in the period, their
    uses, and the clients under 16 who came along."""

    registered: int = 0
    uses: int = 0
    clients: int = 0


def community(viewer: Viewer, period: Period) -> Community:
    return community_in(viewer, [period])[0]


def community_in(viewer: Viewer, periods: list[Period]) -> list[Community]:
    """``community`` in each of the periods, from one reading of their uses."""
    used = db.session.execute(
        select(*(aggregate for period in periods for aggregate in _tally_in(period, Use.clients)))
        .join(Card, Card.id == Use.card_id)
        .where(Card.kind == "community", *counted(_span(periods)), use_scope(viewer))
    ).one()
    return [
        Community(_community_registered(viewer, period), *used[2 * index : 2 * index + 2])
        for index, period in enumerate(periods)
    ]


def _community_registered(viewer: Viewer, period: Period) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Card)
        .where(
            Card.kind == "community",
            Card.first_card_id == Card.id,
            Card.registered_at >= day_start_utc(period.start),
            Card.registered_at < day_start_utc(period.end + timedelta(days=1)),
            card_scope(viewer),
        )
    )


def late_entries(viewer: Viewer, period: Period) -> int:
    """Uses of the period entered afterwards (noted on paper, or the desk was offline)."""
    return db.session.scalar(
        select(func.count()).where(Use.late, *counted(period), use_scope(viewer))
    )


def municipalities_reached(viewer: Viewer, period: Period) -> frozenset[str]:
    """The home municipalities of the holders who used a card in the period (as they
    were at each visit): for each municipality, one look into its uses by
    ix_use_municipalities, instead of reading every use of the period."""
    used = (
        select(Use.id)
        .where(Use.home_municipality_code == Municipality.code, *counted(period))
        .where(use_scope(viewer))
        .exists()
    )
    return frozenset(db.session.scalars(select(Municipality.code).where(used)))


def home_uses(viewer: Viewer, period: Period) -> dict[str | None, dict[str, Tally]]:
    """Uses by the holders' home municipality (as at each visit; None where not known),
    by category. Nationally, whole months are added up from MonthlyHomeUses; in a
    scope, one row per municipality, its categories summed side by side: read in the
    order of ix_use_municipalities, nothing is sorted."""
    if viewer.is_national_admin:
        uses = {}
        for code, category, adults, children in _tallied(
            viewer,
            period,
            lambda uses, _: (uses.home_municipality_code, uses.category),
            MonthlyHomeUses,
        ):
            by_category = uses.setdefault(code or None, {each: Tally() for each in CATEGORIES})
            by_category[category].add(adults, children)
        return uses
    by_category = [
        aggregate
        for category in CATEGORIES
        for aggregate in (
            func.count(case((Use.category == category, 1))),
            func.coalesce(func.sum(case((Use.category == category, Use.children))), 0),
        )
    ]
    rows = db.session.execute(
        select(Use.home_municipality_code, *by_category)
        .where(*counted(period), use_scope(viewer))
        .group_by(Use.home_municipality_code)
    )
    return {
        code: {
            category: Tally(*counts[2 * index : 2 * index + 2])
            for index, category in enumerate(CATEGORIES)
        }
        for code, *counts in rows
    }


def home_uses_in(viewer: Viewer, periods: list[Period]) -> list[dict]:
    """``home_uses`` in each of the periods: a scope's from one reading of their uses,
    added up for each period; nationally each period's from the monthly totals."""
    if viewer.is_national_admin:  # whole months from MonthlyHomeUses
        return [home_uses(viewer, period) for period in periods]
    by = Use.home_municipality_code, Use.day, Use.category
    source = select(*by, literal_column("1").label("adults"), Use.children)
    municipality, day, category, *tally = (
        source.where(*counted(_span(periods)), use_scope(viewer)).subquery().c
    )
    sums = [  # (PostgreSQL sums counts to decimals)
        cast(func.sum(case((_on(day, period), column))), Integer)
        for period in periods
        for column in tally
    ]
    rows = db.session.execute(
        select(municipality, category, *sums).group_by(municipality, category)
    )
    uses = [{} for _ in periods]
    for code, name, *counts in rows:
        for index, by_code in enumerate(uses):
            adults, children = counts[2 * index : 2 * index + 2]
            if adults:  # else no use of the period
                by_category = by_code.setdefault(code, {each: Tally() for each in CATEGORIES})
                by_category[name].add(adults, children)
    return uses


def holders(viewer: Viewer, period: Period) -> dict[str | None, int]:
    """Holders with a card valid at some time in the period, by home municipality: a
    card registered by its end, valid until its start or later, and not blocked before
    it (a holder with a replacement card counts once)."""
    rows = db.session.execute(
        select(Card.municipality_code, func.count(distinct(Card.first_card_id)))
        .where(
            Card.registered_at < day_start_utc(period.end + timedelta(days=1)),
            Card.valid_until >= period.start,
            (Card.status != "blocked") | (Card.blocked_at >= day_start_utc(period.start)),
            card_scope(viewer),
        )
        .group_by(Card.municipality_code)
    )
    return dict(rows.all())


AGE_BANDS = ((16, 17), (18, 29), (30, 44), (45, 64), (65, None))  # 16: who turn 16 that year


def age_band(birth_year: int | None, year: int) -> tuple[int, int | None] | None:
    """The band of the age a holder turns in ``year`` (None: not known)."""
    if birth_year is None:
        return None
    age = year - birth_year
    return next((band for band in AGE_BANDS if band[1] is None or age <= band[1]), None)


def used_profiles(viewer: Viewer, period: Period) -> dict[tuple, tuple[int, int]]:
    """The holders of personal cards who used a card in the period, and their uses, by
    (birth year, gender, life situation) as their current card has them: {profile:
    (holders, uses)}. Worked out in the database, a few rows back."""
    per_holder = _per_holder(viewer, period)
    by = Card.birth_year, Card.gender, Card.life_situation
    rows = db.session.execute(
        select(*by, func.count(), func.sum(per_holder.c.uses))
        .select_from(per_holder)
        .join(Card, Card.first_card_id == per_holder.c.first_card_id)
        .where(Card.status.not_in(("unregistered", "replaced")), Card.kind == "personal")
        .group_by(*by)
    )
    return {tuple(profile): (holders, uses) for *profile, holders, uses in rows}


def registered_profiles(viewer: Viewer, period: Period) -> dict[tuple, int]:
    """Holders registered in the period, by (birth year, gender, life situation) as their
    first card has them (personal cards: a community card has no holder to describe)."""
    by = Card.birth_year, Card.gender, Card.life_situation
    rows = db.session.execute(
        select(*by, func.count())
        .where(
            Card.first_card_id == Card.id,
            Card.kind == "personal",
            Card.registered_at >= day_start_utc(period.start),
            Card.registered_at < day_start_utc(period.end + timedelta(days=1)),
            card_scope(viewer),
        )
        .group_by(*by)
    )
    return {tuple(profile): count for *profile, count in rows}


def renewals(viewer: Viewer, period: Period) -> int:
    """Cards renewed in the period (counted on the holder's current card, which a
    replacement gives the periods of the card it replaced)."""
    return db.session.scalar(
        select(func.count())
        .select_from(CardPeriod)
        .join(Card, Card.id == CardPeriod.card_id)
        .where(
            CardPeriod.renewed_at >= day_start_utc(period.start),
            CardPeriod.renewed_at < day_start_utc(period.end + timedelta(days=1)),
            Card.status != "replaced",
            card_scope(viewer),
        )
    )


def never_used(viewer: Viewer, period: Period) -> int:
    """Holders with a card valid in the period (as ``holders`` counts them) who used no
    card in it, anywhere. (Grouped as ``holders`` is, the database reads them in the
    order of ix_card_holders, nothing sorted; each holder's uses are looked up in
    ix_use_holder. NOT EXISTS, not NOT IN: PostgreSQL can't make NOT IN an anti-join, and
    with a year's holders too many for memory it scanned them again for every card.)"""
    used = exists().where(Use.first_card_id == Card.first_card_id, *counted(period))
    rows = db.session.execute(
        select(Card.municipality_code, func.count(distinct(Card.first_card_id)))
        .where(*_valid_in(period), card_scope(viewer), ~used)
        .group_by(Card.municipality_code)
    )
    return sum(count for _, count in rows)


def _valid_in(period: Period) -> tuple:
    """A registered card, valid at some time in the period and not blocked before it."""
    return (
        Card.registered_at < day_start_utc(period.end + timedelta(days=1)),
        Card.valid_until >= period.start,
        (Card.status != "blocked") | (Card.blocked_at >= day_start_utc(period.start)),
    )


@dataclass
class Year:
    """One row of the programme's yearly national table."""

    year: int
    registered: int = 0
    activated: int = 0
    by_category: dict[str, Tally] = field(
        default_factory=lambda: {category: Tally() for category in CATEGORIES}
    )
    areas: int = 0  # areas involved: holders registered or uses at or from there
    # The home municipalities of the holders who used a card that year.
    municipalities: frozenset[str] = frozenset()

    @property
    def uses(self) -> Tally:
        total = Tally()
        for tally in self.by_category.values():
            total.add(tally.adults, tally.children)
        return total


def yearly(viewer: Viewer) -> list[Year]:
    """Every year from the registry's first registration or use to this one."""
    first_use = db.session.scalar(
        select(func.min(Use.day)).where(Use.voided_at.is_(None), use_scope(viewer))
    )
    first_registration = db.session.scalar(
        select(func.min(Card.registered_at)).where(card_scope(viewer))
    )
    first = [first_use, first_registration and local_day(first_registration)]
    this_year = local_today().year
    first_year = min((day.year for day in first if day), default=this_year)
    rows = []
    for year in range(first_year, this_year + 1):  # small queries: no threads needed
        whole = Period(date(year, 1, 1), date(year, 12, 31))
        row = Year(year)
        areas = set()
        for registered in registrations(viewer, whole):
            row.registered += registered.registered
            row.activated += registered.activated
            areas.add(registered.home_area_id)
        for place in places(viewer, whole):
            row.by_category[place.category].add(place.adults, place.children)
            areas.update((place.venue_area_id, place.home_area_id))
        row.areas = len(areas)
        row.municipalities = municipalities_reached(viewer, whole)
        rows.append(row)
    return rows
