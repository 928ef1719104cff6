"""Years of realistic registry data for `seed-demo --size large` and bench/reports.py:
by default 5 years, 100,000 holders' cards and 1,000,000 uses over 500 venues.

Written with bulk inserts rather than through the domain functions, which would
take hours; the rows obey the same rules (validity, one use per card, venue and
day, replacements carrying their holder's first card).
"""

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, insert, select, text

from .core import accounts, municipalities, numbers, tallies, wellbeing
from .core.cards import last_day_of_year_from
from .core.clock import FINLAND, local_today
from .extensions import db
from .models import Area, Card, Site, Use, WellbeingAnswer

AREAS = (  # networks, the real municipalities in them (app/data/municipalities.csv)
    ("PIR", "Pirkanmaa", ("837", "536", "604", "980", "211", "418")),
    ("UUS", "Uusimaa", ("049", "092", "235", "245", "186", "638")),
    ("HEL", "Helsinki", ("091",)),
    ("VAR", "Varsinais-Suomi", ("853", "202", "680", "529", "423")),
    ("POP", "Pohjois-Pohjanmaa", ("564",)),
    ("KES", "Keski-Suomi", ("179",)),
    ("POS", "Pohjois-Savo", ("297", "140")),
    ("SAT", "Satakunta", ("609", "684")),
    ("PHA", "Päijät-Häme", ("398",)),
    ("KHA", "Kanta-Häme", ("109",)),
    ("KYM", "Kymenlaakso", ("286", "285")),
    ("EKA", "Etelä-Karjala", ("405",)),
    ("LAP", "Lappi", ("698",)),
)
NETWORKS_SINCE = date(2016, 1, 1)
CATEGORY_WEIGHTS = {"culture": 60, "sport": 20, "education": 15, "science": 5}
CHUNK = 20_000


def seed_history(
    cards: int = 100_000,
    uses: int = 1_000_000,
    venues: int = 500,
    issuers: int = 400,
    years: int = 5,
    seed: int = 2026,
) -> list[str]:
    """Add ``years`` of holders and uses to the demo registry; return lines to print."""
    rng = random.Random(seed)
    areas = _areas()
    issuing = _sites(rng, areas, "issuer", issuers)
    venue_sites = _sites(rng, areas, "venue", venues)
    today = local_today()
    first_day = date(today.year - years + 1, 1, 1)
    holders = _cards(rng, issuing, cards, first_day, today)
    recorded = _uses(rng, holders, venue_sites, uses, today)
    answers = _answers(rng, holders, today)
    tallies.recount()  # the monthly totals and first uses that desks keep one use at a time
    if db.engine.dialect.name == "postgresql":  # rows came with their ids
        for table in ("card", "use"):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            db.session.execute(text(f"SELECT setval({sequence}, max(id)) FROM {table}"))
    db.session.execute(text("ANALYZE"))  # the query planner's statistics of the new rows
    db.session.commit()
    return [
        f"History from {first_day} to {today}: {len(holders):,} holders' cards, "
        f"{recorded:,} uses at {len(venue_sites)} venues in {len(areas)} areas, "
        f"{answers:,} answers to the wellbeing questions."
    ]


def _areas() -> list[Area]:
    """The demo's networks, each with its municipalities (joined years ago)."""
    municipalities.load_shipped()
    known = {area.code for area in db.session.scalars(select(Area))}
    for code, name, members in AREAS:
        area = accounts.find_area(code) if code in known else accounts.create_area(code, name)
        for member in members:
            if municipalities.find(member).area_id is None:
                municipalities.join_network(area, member, NETWORKS_SINCE)
    return list(db.session.scalars(select(Area).order_by(Area.id)))


def _members(area: Area) -> list[str]:
    return next(members for code, _, members in AREAS if code == area.code)


def _sites(rng, areas, kind: str, count: int) -> list[Site]:
    existing = list(db.session.scalars(select(Site).where(Site.kind == kind)))
    for n in range(len(existing), count):
        area = rng.choice(areas)
        category = None
        if kind == "venue":
            category = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
        accounts.create_site(
            f"{kind}-{area.code.lower()}-{n}",
            f"{'Kohde' if kind == 'venue' else 'Jakopiste'} {area.name} {n}",
            area_code=area.code,
            kind=kind,
            category=category,
            municipality=rng.choice(_members(area)),
        )
    return list(db.session.scalars(select(Site).where(Site.kind == kind)))


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _cards(rng, issuing: list[Site], count: int, first_day: date, today: date) -> list[dict]:
    """Registered holders, 2% of them with a replacement card."""
    span = (today - first_day).days
    taken = set(db.session.scalars(select(Card.number)))
    next_id = _next_id(Card)
    rows = []
    for _ in range(count):
        site = rng.choice(issuing)
        start = first_day + timedelta(days=rng.randrange(span + 1))
        until = last_day_of_year_from(start)
        while until < today and rng.random() < 0.4:  # renewed
            until = last_day_of_year_from(until + timedelta(days=1))
        number = numbers.generate()
        while number in taken:
            number = numbers.generate()
        taken.add(number)
        card = dict(
            id=next_id,
            number=number,
            home_area_id=site.area_id,
            issuing_site_id=site.id,
            status="active",
            kind="personal",
            valid_from=start,
            valid_until=until,
            birth_year=rng.randint(1935, 2006),
            postcode=f"{rng.randrange(100, 99999):05d}",
            children=rng.choices((0, 1, 2, 3, 4), (60, 15, 13, 8, 4))[0],
            municipality_code=site.municipality_code,
            generation=1,
            first_card_id=next_id,
            registered_at=_moment(start, rng),
            created_at=_moment(start, rng),
        )
        if rng.random() < 0.02:  # an organisation's card for small groups
            card.update(
                kind="community",
                birth_year=None,
                postcode=None,
                children=0,
                organisation=f"Yhdistys {site.name}",
                client_cap=10,
            )
        next_id += 1
        rows.append(card)
        if rng.random() < 0.02 and start < today:
            number = numbers.generate()
            while number in taken:
                number = numbers.generate()
            taken.add(number)
            moved = start + timedelta(days=rng.randrange((today - start).days + 1))
            replacement = {
                **card,
                "id": next_id,
                "number": number,
                "registered_at": _moment(moved, rng),
            }
            card.update(status="replaced", replaced_by_id=next_id)
            rows.append(replacement)
            next_id += 1
    for chunk in range(0, len(rows), CHUNK):
        db.session.execute(insert(Card), [_no_links(row) for row in rows[chunk : chunk + CHUNK]])
    for row in rows:  # the links, once both cards of a replacement exist
        if row.get("replaced_by_id"):
            db.session.execute(
                Card.__table__.update()
                .where(Card.__table__.c.id == row["id"])
                .values(replaced_by_id=row["replaced_by_id"])
            )
    return [row for row in rows if row["status"] == "active"]


def _no_links(row: dict) -> dict:
    return {**row, "replaced_by_id": None}


def _moment(day: date, rng) -> datetime:
    """A moment in opening hours on a Finnish day, as naive UTC."""
    local = datetime.combine(day, time(rng.randint(9, 20), rng.randrange(60)), tzinfo=FINLAND)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _uses(rng, holders: list[dict], venues: list[Site], count: int, today: date) -> int:
    """Uses by a quarter of holders who never use their card and a long tail of keen
    ones; four in five at a venue of the holder's home area."""
    by_area = {}
    for venue in venues:
        by_area.setdefault(venue.area_id, []).append(venue)
    keen = [holder for holder in holders if rng.random() < 0.75]
    weights = [rng.paretovariate(1.6) for _ in keen]
    seen = set()
    next_id = _next_id(Use)
    recorded = 0
    batch = []
    while recorded < count:
        for holder in rng.choices(keen, weights, k=min(CHUNK, count - recorded)):
            last = min(holder["valid_until"], today)
            day = holder["valid_from"] + timedelta(
                days=rng.randrange((last - holder["valid_from"]).days + 1)
            )
            nearby = by_area.get(holder["home_area_id"])
            venue = rng.choice(nearby if nearby and rng.random() < 0.8 else venues)
            key = (holder["id"] * 100_000 + venue.id) * 100_000 + day.toordinal()
            if key in seen:  # one use per card, venue and day
                continue
            seen.add(key)
            category = venue.category
            children = 0
            if holder["children"] and category != "education" and rng.random() < 0.4:
                children = rng.randint(1, holder["children"])
            course = category == "education" and not children
            clients = rng.randint(2, holder["client_cap"]) if holder.get("client_cap") else 0
            at = _moment(day, rng)
            batch.append(
                dict(
                    id=next_id,
                    card_id=holder["id"],
                    venue_id=venue.id,
                    category=category,
                    home_area_id=holder["home_area_id"],
                    home_municipality_code=holder["municipality_code"],
                    issuing_site_id=holder["issuing_site_id"],
                    first_card_id=holder["first_card_id"],
                    recorded_at=at,
                    day=day,
                    adults=1,
                    children=children,
                    clients=clients,
                    kind="course_place" if course and not clients else "ticket",
                    assistant=int(rng.random() < 0.05),
                    typed=rng.random() < 0.1,
                    nonce=f"history-{next_id}",
                    voided_at=at + timedelta(minutes=2) if rng.random() < 0.01 else None,
                )
            )
            next_id += 1
        if batch:  # (every pick may have been a card's second use that day)
            db.session.execute(insert(Use), batch)
        recorded += len(batch)
        batch = []
    return recorded


def _answers(rng, holders: list[dict], today: date) -> int:
    """Answers to the wellbeing questions in use (none: nothing): two in three holders
    registered since 2025, when the questions began, answered at registration, and most
    of those again at their renewal, a little better on the whole; a few questions
    skipped."""
    version = wellbeing.in_use()
    if version is None:
        return 0
    rows = []
    for holder in holders:
        start = holder["valid_from"]
        if holder["kind"] != "personal" or start.year < 2025 or rng.random() > 2 / 3:
            continue
        renewed = last_day_of_year_from(start) + timedelta(days=1)
        again = renewed <= min(today, holder["valid_until"]) and rng.random() < 0.7
        for question in version.questions:
            if rng.random() < 0.1:
                continue
            last = len(question.options) - 1
            first = rng.randint(0, last)
            rows.append(
                _answer(question, first, "registration", start, holder, holder["first_card_id"])
            )
            if again:
                then = max(0, min(last, first + rng.choice((-1, -1, 0, 0, 1))))
                baseline = question.options[first].id
                rows.append(_answer(question, then, "renewal", renewed, holder, None, baseline))
    for chunk in range(0, len(rows), CHUNK):
        db.session.execute(insert(WellbeingAnswer), rows[chunk : chunk + CHUNK])
    return len(rows)


def _answer(question, pick, occasion, day, holder, holder_id, baseline=None) -> dict:
    return dict(
        question_id=question.id,
        option_id=question.options[pick].id,
        occasion=occasion,
        answered_on=day,
        area_id=holder["home_area_id"],
        holder_id=holder_id,
        baseline_option_id=baseline,
    )
