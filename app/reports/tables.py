"""The dashboards' tables: the figures of app/core/stats.py with names and labels.

Each builder returns a Table for one user and period; ``dashboard`` picks the
tables a role may see. Small counts are hidden outside the admin role and in
every export meant for publishing (see app/core/tables.py).
"""

from collections import defaultdict
from datetime import date
from functools import partial

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import municipalities, stats
from ..core.access import Viewer
from ..core.tables import Column, Table, suppressed
from ..extensions import db
from ..labels import CATEGORY_WORDS, GENDER_WORDS, LIFE_SITUATION_WORDS
from ..models import CATEGORIES, Area, Municipality, Site, User

FREQUENCY_WORDS = {
    "once": _l("Once"),
    "2-5": _l("2–5 times"),
    "6+": _l("6 times or more"),
}
ADULTS, CHILDREN = _l("Adults"), _l("Children")


# What each figure is: a query of app/core/stats.py, for the period or a year earlier.
FETCHES = {
    "places": (stats.places, False),
    "earlier_places": (stats.places, True),
    "months": (stats.months, False),
    "earlier_months": (stats.months, True),
    "frequency": (stats.frequency, False),
    "earlier_frequency": (stats.frequency, True),
    "used_profiles": (stats.used_profiles, False),
    "registered_profiles": (stats.registered_profiles, False),
    "renewals": (stats.renewals, False),
    "earlier_renewals": (stats.renewals, True),
    "never_used": (stats.never_used, False),
    "earlier_never_used": (stats.never_used, True),
    "earlier_holders": (stats.holders, True),
    "reached": (stats.cards_per_venue, False),
    "events": (stats.by_event_date, False),
    "community": (stats.community, False),
    "late": (stats.late_entries, False),
    "earlier_late": (stats.late_entries, True),
    "earlier_community": (stats.community, True),
    "registrations": (stats.registrations, False),
    "home_uses": (stats.home_uses, False),
    "earlier_home_uses": (stats.home_uses, True),
    "holders": (stats.holders, False),
    "population": (lambda viewer, period: municipalities.population(period.end.year), False),
    "earlier_registrations": (stats.registrations, True),
}
# Figures that PostgreSQL counts for both periods from one reading of the uses when they
# overlap (a period of over a year): each of these reads most uses of a period. (SQLite
# reads each period apart quicker, in the order of an index.)
PAIRED = {
    "frequency": stats.frequency_in,
    "community": stats.community_in,
    "home_uses": stats.home_uses_in,
}


class Figures:
    """What one user may count in a period and the same period a year earlier:
    the figures some tables need, fetched side by side and shared by them."""

    def __init__(self, user: User, period: stats.Period, needs: set[str]):
        self.user, self.period = user, period
        self.earlier = period.year_earlier()
        self.areas = {area.id: area for area in db.session.scalars(select(Area))}
        self.sites = {site.id: site for site in db.session.scalars(select(Site))}
        self.municipalities = {m.code: m for m in db.session.scalars(select(Municipality))}
        viewer = Viewer.of(user)
        paired = {}
        if self.earlier.end >= period.start and db.engine.dialect.name == "postgresql":
            paired = {
                name: partial(query, viewer, [period, self.earlier])
                for name, query in PAIRED.items()
                if {name, f"earlier_{name}"} & needs
            }
        fetched = stats.at_once(
            **paired,
            **{
                name: partial(query, viewer, self.earlier if earlier else period)
                for name, (query, earlier) in FETCHES.items()
                if name in needs and name.removeprefix("earlier_") not in paired
            },
        )
        for name in paired:
            fetched[name], fetched[f"earlier_{name}"] = fetched[name]
        self.usage = stats.Usage(fetched.get("places", []))
        self.earlier_usage = stats.Usage(fetched.get("earlier_places", []))
        self.months = fetched.get("months", {})
        self.earlier_months = fetched.get("earlier_months", {})
        self.frequency = fetched.get("frequency", {})
        self.earlier_frequency = fetched.get("earlier_frequency", {})
        self.reached = fetched.get("reached", {})
        self.events = fetched.get("events", [])
        self.late = fetched.get("late", 0), fetched.get("earlier_late", 0)
        self.community = fetched.get("community", stats.Community())
        self.earlier_community = fetched.get("earlier_community", stats.Community())
        self.registrations = fetched.get("registrations", [])
        self.earlier_registrations = fetched.get("earlier_registrations", [])
        self.home_uses = fetched.get("home_uses", {})
        self.earlier_home_uses = fetched.get("earlier_home_uses", {})
        self.holders = fetched.get("holders", {})
        self.population = fetched.get("population", {})  # {code: (year, inhabitants)}
        self.earlier_holders = fetched.get("earlier_holders", {})
        self.used_profiles = fetched.get("used_profiles", {})
        self.registered_profiles = fetched.get("registered_profiles", {})
        self.renewals = fetched.get("renewals", 0), fetched.get("earlier_renewals", 0)
        self.never_used = fetched.get("never_used", 0), fetched.get("earlier_never_used", 0)

    def municipality_name(self, code: str | None):
        """In the reader's language; "Not known" for cards registered without one."""
        return municipalities.name(self.municipalities[code]) if code else _l("Not known")


def summary(figures: Figures) -> Table:
    now, then = figures.usage, figures.earlier_usage
    rows = [
        [_l("Uses by adults"), now.total().adults, then.total().adults],
        [_l("Uses by children"), now.total().children, then.total().children],
        [
            _l("Cards used"),
            sum(figures.frequency.values()),
            sum(figures.earlier_frequency.values()),
        ],
        [
            _l("Uses by cards from another area"),
            now.from_other_areas().adults,
            then.from_other_areas().adults,
        ],
    ]
    community = figures.community, figures.earlier_community
    rows += [
        [_l("Of the uses by adults, by community cards"), *(c.uses for c in community)],
        [_l("Clients under 16 on community cards' uses"), *(c.clients for c in community)],
        [_l("Uses entered late"), *figures.late],
    ]
    if figures.user.role != "venue":
        registered = figures.registrations, figures.earlier_registrations
        rows += [
            [_l("Cards registered"), *(sum(r.registered for r in regs) for regs in registered)],
            [_l("Community cards registered"), *(c.registered for c in community)],
            [_l("Cards activated"), *(sum(r.activated for r in regs) for regs in registered)],
        ]
    return Table(
        "summary",
        _l("Summary"),
        [
            Column(_l("Figure"), "text"),
            Column(_l("This period")),
            Column(_l("A year earlier")),
            Column(_l("Change"), "change", of=(1, 2)),
        ],
        rows,
    )


def _by_period(first: Column, lines, **table) -> Table:
    """One row per (label, tally now, tally a year earlier): adults and children as four
    separate counts, so that no column adds others up and gives a hidden count back."""
    empty = stats.Tally()
    rows = [
        [label, now.adults, now.children, (then or empty).adults, (then or empty).children]
        for label, now, then in lines
    ]
    return with_total(
        Table(
            columns=[
                first,
                Column(ADULTS),
                Column(CHILDREN),
                Column(_l("Adults a year earlier")),
                Column(_l("Children a year earlier")),
            ],
            rows=rows,
            chart=(1, 3),
            **table,
        )
    )


def months(figures: Figures) -> Table:
    lines = [
        (
            date(year, month, 1),
            figures.months.get((year, month), stats.Tally()),
            figures.earlier_months.get((year - 1, month)),
        )
        for year, month in figures.period.months()
    ]
    return _by_period(
        Column(_l("Month"), "month"),
        lines,
        name="months",
        title=_l("Uses by month"),
        description=_l(
            "Uses by adults (the card holders) and by the children with them, each month, "
            "beside the same month a year earlier."
        ),
    )


def categories(figures: Figures) -> Table:
    now = figures.usage.by(lambda place: place.category)
    then = figures.earlier_usage.by(lambda place: place.category)
    lines = [
        (CATEGORY_WORDS[category], now.get(category, stats.Tally()), then.get(category))
        for category in CATEGORIES
    ]
    return _by_period(
        Column(_l("Category"), "text"),
        lines,
        name="categories",
        title=_l("Uses by category"),
        description=_l(
            "Uses by adults (the card holders) and by the children with them, by category, "
            "beside the same days a year earlier."
        ),
    )


def areas(figures: Figures) -> Table:
    """Uses credited to each area twice: at its venues, and by its cards."""
    at_venues = figures.usage.by(lambda place: place.venue_area_id)
    by_cards = figures.usage.by(lambda place: place.home_area_id)
    visiting = figures.usage.by(lambda place: place.venue_area_id if place.away_from_home else None)
    away = figures.usage.by(lambda place: place.home_area_id if place.away_from_home else None)
    empty = stats.Tally()
    rows = [
        [
            area.name,
            at_venues.get(area.id, empty).adults,
            visiting.get(area.id, empty).adults,
            by_cards.get(area.id, empty).adults,
            away.get(area.id, empty).adults,
        ]
        for area in sorted(figures.areas.values(), key=lambda area: area.name)
        if area.id in at_venues or area.id in by_cards
    ]
    rows = [row[:3] + [None] + row[3:] for row in rows]  # the share's place
    return with_total(
        Table(
            "areas",
            _l("Uses by area"),
            [
                Column(_l("Area"), "text"),
                Column(_l("Uses at the area's venues")),
                Column(_l("Of these, by cards from another area")),
                Column(_l("Share from another area"), "share", of=(2, 1)),
                Column(_l("Uses by the area's cards")),
                Column(_l("Of these, at another area's venues")),
            ],
            rows,
            description=_l(
                "A use counts for the venue's area and for the card's home area. Uses are "
                "visits by card holders."
            ),
        )
    )


def venues(figures: Figures) -> Table:
    tallies = figures.usage.by(lambda place: place.venue_id)
    reached = figures.reached
    rows = []
    for venue_id, tally in tallies.items():
        venue = figures.sites[venue_id]
        area = figures.areas[venue.area_id]
        # (reached was counted in another session: a use recorded meanwhile may be missing)
        rows.append([venue.name, area.name, tally.adults, tally.children, reached.get(venue_id, 0)])
    table = Table(
        "venues",
        _l("Uses by venue"),
        [
            Column(_l("Venue"), "text"),
            Column(_l("Area"), "text"),
            Column(ADULTS),
            Column(CHILDREN),
            Column(_l("Different cards")),
        ],
        rows,
        rank_by=2,
        description=_l("Most used first. Different cards: how many holders the venue reached."),
    )
    return with_total(table, distinct=sum(figures.frequency.values()))


def events(figures: Figures) -> Table:
    rows = [
        [
            event.day,
            event.name,
            figures.sites[event.venue_id].name,
            event.adults,
            event.children,
            event.in_advance,
        ]
        for event in figures.events
    ]
    return with_total(
        Table(
            "events",
            _l("Uses by event date"),
            [
                Column(_l("Date"), "date"),
                Column(_l("Event"), "text"),
                Column(_l("Venue"), "text"),
                Column(ADULTS),
                Column(CHILDREN),
                Column(_l("Recorded in advance")),
            ],
            rows,
            description=_l(
                "The events held in the period and their uses, whenever those were recorded: "
                "other tables count a use on the day it was recorded, so an advance ticket "
                "shows here on its event's day."
            ),
        )
    )


def frequency(figures: Figures) -> Table:
    counts = figures.frequency
    rows = [[FREQUENCY_WORDS[name], counts[name]] for name in stats.FREQUENCIES]
    return with_total(
        Table(
            "frequency",
            _l("How often cards were used"),
            [
                Column(_l("Used"), "text"),
                Column(_l("Cards")),
                Column(_l("Share"), "share", of=(1, None)),
            ],
            rows,
            chart=(1,),
            description=_l("Cards by how many times they were used in the period."),
        )
    )


def _registration_rows(registrations, key) -> dict:
    grouped = {}
    for row in registrations:
        counts = grouped.setdefault(key(row), [0, 0])
        counts[0] += row.registered
        counts[1] += row.activated
    return grouped


def registrations_by_area(figures: Figures) -> Table:
    grouped = _registration_rows(figures.registrations, lambda row: row.home_area_id)
    rows = sorted(
        ([figures.areas[area].name, *counts, None] for area, counts in grouped.items()),
        key=lambda row: row[0],
    )
    return _registration_table(
        Table(
            "registrations-by-area",
            _l("Cards registered by area"),
            [Column(_l("Area"), "text")],
            rows,
            chart=(1, 2),
        )
    )


def registrations_by_municipality(figures: Figures) -> Table:
    """By the holder's home municipality; cards registered before municipalities were
    known (or without one) as "Not known", last."""
    grouped = _registration_rows(figures.registrations, lambda row: row.municipality_code)
    unknown = grouped.pop(None, None)
    rows = sorted(
        (
            [municipalities.name(figures.municipalities[code]), *counts, None]
            for code, counts in grouped.items()
        ),
        key=lambda row: row[0],
    )
    if unknown:
        rows.append([_l("Not known"), *unknown, None])
    return _registration_table(
        Table(
            "registrations-by-municipality",
            _l("Cards registered by home municipality"),
            [Column(_l("Home municipality"), "text")],
            rows,
        )
    )


def registrations_by_site(figures: Figures) -> Table:
    grouped = _registration_rows(figures.registrations, lambda row: row.issuing_site_id)
    rows = []
    for site_id, counts in grouped.items():
        site = figures.sites[site_id]
        rows.append([site.name, figures.areas[site.area_id].name, *counts, None])
    return _registration_table(
        Table(
            "registrations-by-site",
            _l("Cards registered by issuing site"),
            [Column(_l("Issuing site"), "text"), Column(_l("Area"), "text")],
            rows,
            rank_by=2,
        )
    )


def _municipal_uses(now: dict, then: dict) -> list:
    """The holders' own uses by category, all of them, their children's, all of them a
    year earlier, and the change's place ({category: Tally} now and a year earlier)."""
    adults = [now[category].adults if category in now else 0 for category in CATEGORIES]
    children = sum(tally.children for tally in now.values())
    return [*adults, sum(adults), children, sum(t.adults for t in then.values()), None]


def _municipal_columns(first: int) -> list[Column]:
    """The columns of _municipal_uses, the first of them at index ``first``."""
    total = first + len(CATEGORIES)
    return [
        *(Column(CATEGORY_WORDS[category], group=_l("Uses")) for category in CATEGORIES),
        Column(_l("Uses by holders")),
        Column(_l("Uses by their children")),
        Column(_l("Uses by holders a year earlier")),
        Column(_l("Change"), "change", of=(total, total + 2)),
    ]


def _by_name(figures: Figures, rows: list[list]) -> list[list]:
    """Rows of municipality codes by the municipalities' names, "Not known" last."""
    named = sorted(
        ([figures.municipality_name(row[0]), *row[1:]] for row in rows if row[0]),
        key=lambda row: row[0],
    )
    unknown = [[figures.municipality_name(None), *row[1:]] for row in rows if not row[0]]
    return named + unknown


def home_municipalities(figures: Figures) -> Table:
    """By the holders' home municipality: how many have a card, and what they used; per
    1,000 inhabitants where a population file has been loaded."""
    registered = _registration_rows(figures.registrations, lambda row: row.municipality_code)
    codes = {*figures.home_uses, *figures.earlier_home_uses, *figures.holders, *registered}
    rows = [
        [
            code,
            figures.holders.get(code, 0),
            *registered.get(code, [0, 0]),
            *_municipal_uses(
                figures.home_uses.get(code, {}), figures.earlier_home_uses.get(code, {})
            ),
            None,  # uses per holder
        ]
        for code in codes
    ]
    columns = [
        Column(_l("Home municipality"), "text"),
        Column(_l("Holders with a valid card")),
        Column(_l("Cards registered")),
        Column(_l("Activated")),
        *_municipal_columns(4),
    ]
    columns.append(Column(_l("Uses per holder"), "ratio", of=(4 + len(CATEGORIES), 1)))
    description = _l(
        "Holders with a card valid in the period, holders registered in it and how many of "
        "them have used their card, and the uses of the holders living in each "
        "municipality, wherever they went. Uses by category are the holders' own; their "
        "children's are counted apart."
    )
    with_population = any(code in figures.population for code in codes)
    if with_population:
        inhabitants = len(columns)
        columns += [
            Column(_l("Inhabitants"), "number"),
            Column(_l("Holders per 1,000 inhabitants"), "ratio", of=(1, inhabitants), scale=1000),
        ]
        for row in rows:
            row += [figures.population.get(row[0], (None, None))[1], None]
        description = _l(
            "%(description)s Inhabitants: the latest population loaded, up to the period's "
            "last year.",
            description=description,
        )
    table = with_total(
        Table(
            "home-municipalities",
            _l("By home municipality"),
            columns,
            _by_name(figures, rows),
            description=description,
        )
    )
    if with_population and any(row[-2] is None for row in table.rows):
        table.total[-2] = None  # per 1,000 of all: only where every row's population is known
    return table


def venue_municipalities(figures: Figures) -> Table:
    """By where the venues are: what holders from anywhere used there."""

    def where(place):
        return figures.sites[place.venue_id].municipality_code

    now, then = figures.usage.by_categories(where), figures.earlier_usage.by_categories(where)
    rows = [
        [code, *_municipal_uses(now.get(code, {}), then.get(code, {}))] for code in {*now, *then}
    ]
    return with_total(
        Table(
            "venue-municipalities",
            _l("By the venues' municipality"),
            [Column(_l("Venues' municipality"), "text"), *_municipal_columns(1)],
            _by_name(figures, rows),
            description=_l(
                "The uses at the venues of each municipality, by holders from anywhere. Uses "
                "by category are the holders' own; their children's are counted apart."
            ),
        )
    )


def holders(figures: Figures) -> Table:
    """The holders of the period beside a year earlier: how many had a card, how many
    were new or renewed theirs, and how many never used it."""
    registered = figures.registrations, figures.earlier_registrations
    rows = [
        [
            _l("Holders with a valid card"),
            *(sum(h.values()) for h in (figures.holders, figures.earlier_holders)),
        ],
        [_l("Registered"), *(sum(r.registered for r in regs) for regs in registered)],
        [_l("Renewed"), *figures.renewals],
        [_l("Did not use their card in the period"), *figures.never_used],
    ]
    return Table(
        "holders",
        _l("Holders"),
        [
            Column(_l("Figure"), "text"),
            Column(_l("This period")),
            Column(_l("A year earlier")),
            Column(_l("Change"), "change", of=(1, 2)),
        ],
        [row + [None] for row in rows],
        description=_l(
            "Holders with a card valid at some time in the period; registered (new holders) "
            "and renewed cards; and the holders with a valid card who did not use it in the "
            "period. Renewals are known from December 2026 on."
        ),
    )


AGE_WORDS = {
    band: (f"{band[0]}–{band[1]}" if band[1] else f"{band[0]}+") for band in stats.AGE_BANDS
}


PROFILES = {  # each table of who the holders are: its title, first column, key and words
    "holders-by-age": (
        _l("Holders by age"),
        lambda year: _l("Age in %(year)s", year=year),
        lambda profile, year: stats.age_band(profile[0], year),
        AGE_WORDS,
    ),
    "holders-by-gender": (
        _l("Holders by gender"),
        lambda year: _l("Gender"),
        lambda profile, year: profile[1],
        GENDER_WORDS,
    ),
    "holders-by-life-situation": (
        _l("Holders by life situation"),
        lambda year: _l("Life situation"),
        lambda profile, year: profile[2],
        LIFE_SITUATION_WORDS,
    ),
}


def by_profile(figures: Figures, name: str) -> Table:
    """Personal cards' holders by one of what they told at registration (a key of their
    (birth year, gender, life situation)): registered in the period, and who used a card
    and how often; "Not known" where they did not say (or their data was removed)."""
    title, first, key, words = PROFILES[name]
    year = figures.period.end.year  # an age is the one turned in the period's last year
    registered, used, uses = defaultdict(int), defaultdict(int), defaultdict(int)
    for profile, count in figures.registered_profiles.items():
        registered[key(profile, year)] += count
    for profile, (holders, count) in figures.used_profiles.items():
        used[key(profile, year)] += holders
        uses[key(profile, year)] += count
    rows = [
        [words[value], registered[value], used[value], uses[value]]
        for value in words
        if value in registered or value in used
    ]
    if None in registered or None in used:
        rows.append([_l("Not known"), registered[None], used[None], uses[None]])
    return with_total(
        Table(
            name,
            title,
            [
                Column(first(year), "text"),
                Column(_l("Registered")),
                Column(_l("Holders who used a card")),
                Column(_l("Uses by holders")),
            ],
            rows,
            description=_l(
                "Holders of personal cards registered in the period, and the holders who used "
                "a card in it and how many times, by what they told at registration. Gender "
                "and life situation are asked with the holder's consent."
            ),
        )
    )


def _registration_table(table: Table) -> Table:
    first = len(table.columns)
    table.columns = table.columns + [
        Column(_l("Cards registered")),
        Column(_l("Activated")),
        Column(_l("Share activated"), "share", of=(first + 1, first)),
    ]
    table.description = _l(
        "Holders registered in the period (a replacement card is not a new holder), and how "
        "many of them have used their card at least once."
    )
    return with_total(table)


def yearly(user: User) -> Table:
    """The yearly table in its first layout, category by category (``yearly.csv``, which
    scripts read): the national table below is the programme's published one."""
    columns = [
        Column(_l("Year"), "year"),
        Column(_l("Cards registered")),
        Column(_l("Cards activated")),
    ]
    for category in CATEGORIES:
        word = CATEGORY_WORDS[category]
        columns += [
            Column(_l("%(category)s: adults", category=word)),
            Column(_l("%(category)s: children", category=word)),
        ]
    columns.append(Column(_l("Areas involved"), "number"))
    rows = []
    for year in reversed(stats.yearly(Viewer.of(user))):  # the latest year first
        row = [year.year, year.registered, year.activated]
        for category in CATEGORIES:
            row += [year.by_category[category].adults, year.by_category[category].children]
        rows.append(row + [year.areas])
    return Table(
        "yearly",
        _l("Yearly table"),
        columns,
        rows,
        description=_l(
            "One row a year: holders registered and activated, uses by adults and by children "
            "in each category, and the areas with registrations or uses."
        ),
    )


def national(user: User) -> Table:
    """The programme's yearly national table, column by column as it is published."""
    years = list(reversed(stats.yearly(Viewer.of(user))))  # the latest year first
    columns = [
        Column(_l("Year"), "year"),
        Column(_l("Cards registered")),
        Column(_l("Cards activated")),
    ]
    for group in (_l("Adult uses"), _l("Child uses")):
        columns += [Column(CATEGORY_WORDS[category], group=group) for category in CATEGORIES]
    columns += [Column(_l("Total uses")), Column(_l("Municipalities"), "number")]
    rows = [
        [year.year, year.registered, year.activated]
        + [year.by_category[category].adults for category in CATEGORIES]
        + [year.by_category[category].children for category in CATEGORIES]
        + [year.uses.adults + year.uses.children, len(year.municipalities)]
        for year in years
    ]
    table = Table(
        "national",
        _l("National yearly table"),
        columns,
        rows,
        description=_l(
            "One row a year, as the programme publishes it: holders registered, holders who "
            "used their card (activated), uses by adults and by children in each category, "
            "all uses, and the home municipalities of the holders who used a card that year."
        ),
    )
    every_year = frozenset().union(*(year.municipalities for year in years))
    return with_total(table, distinct=len(every_year))


def with_total(table: Table, distinct: int | None = None) -> Table:
    """A total row: the sum of every count column (``distinct`` for a last column of
    different cards or municipalities, which do not add up)."""
    total = [_l("Total")]
    for index, column in enumerate(table.columns[1:], start=1):
        if column.kind in ("count", "number"):
            total.append(sum(row[index] or 0 for row in table.rows))
        else:
            total.append(None)
    if distinct is not None:
        total[-1] = distinct
    table.total = total
    return table


BUILDERS = {  # each table, and the figures it is made of
    "summary": (
        summary,
        {"places", "earlier_places", "frequency", "earlier_frequency"}
        | {"registrations", "earlier_registrations", "community", "earlier_community"}
        | {"late", "earlier_late"},
    ),
    "months": (months, {"months", "earlier_months"}),
    "categories": (categories, {"places", "earlier_places"}),
    "areas": (areas, {"places"}),
    "venues": (venues, {"places", "reached", "frequency"}),
    "frequency": (frequency, {"frequency"}),
    "events": (events, {"events"}),
    "registrations-by-area": (registrations_by_area, {"registrations"}),
    "registrations-by-municipality": (registrations_by_municipality, {"registrations"}),
    "registrations-by-site": (registrations_by_site, {"registrations"}),
    "home-municipalities": (
        home_municipalities,
        {"home_uses", "earlier_home_uses", "holders", "registrations", "population"},
    ),
    "venue-municipalities": (venue_municipalities, {"places", "earlier_places"}),
    "holders": (
        holders,
        {"holders", "earlier_holders", "registrations", "earlier_registrations"}
        | {"renewals", "earlier_renewals", "never_used", "earlier_never_used"},
    ),
    **{
        name: (partial(by_profile, name=name), {"used_profiles", "registered_profiles"})
        for name in PROFILES
    },
}
HOLDER_TABLES = ("holders", "holders-by-age", "holders-by-gender", "holders-by-life-situation")
ROLE_TABLES = {  # the dashboard's tables of each role
    "admin": tuple(name for name in BUILDERS if name not in HOLDER_TABLES),
    "issuer": ("summary", "months", "categories", "venues", "frequency"),
    "venue": ("summary", "months", "categories", "areas", "frequency", "events"),
    "municipality": (
        "summary",
        "months",
        "categories",
        "venues",
        "frequency",
        "home-municipalities",
        "venue-municipalities",
    ),
}
HOLDER_ROLES = ("admin", "municipality")  # who see the holders' page


def allowed(role: str) -> tuple[str, ...]:
    """Every table a role may see: its dashboard's, and the holders' page's."""
    return ROLE_TABLES[role] + (HOLDER_TABLES if role in HOLDER_ROLES else ())


def dashboard(user: User, period: stats.Period, names=None, publish=False) -> list[Table]:
    """The tables ``user`` may see, small counts hidden unless an admin reads
    them for their own use."""
    names = names or ROLE_TABLES[user.role]
    figures = Figures(user, period, set().union(*(BUILDERS[name][1] for name in names)))
    tables = [BUILDERS[name][0](figures) for name in names]
    if publish or user.role != "admin":
        tables = [suppressed(table) for table in tables]
    return tables
