"""Demo data for `make run`: enough to try every status at the desk."""

from datetime import timedelta

from sqlalchemy import select

from .core import accounts, cards, checkin, imports, municipalities, wellbeing
from .core.clock import local_today
from .core.tokens import card_url
from .demo_history import AREAS, NETWORKS_SINCE, seed_history
from .extensions import db
from .models import Area, Card, WellbeingSet

DEMO_PASSWORD = "kaiku-demo-2026"
DEMO_USERS = (  # e-mail, role, site, area or municipality
    ("admin@kaiku.test", "admin", None, None),
    ("coordinator@kaiku.test", "admin", None, "PIR"),
    ("issuer@kaiku.test", "issuer", "tampere-social", None),
    ("desk@kaiku.test", "venue", "tampere-theatre", None),
    ("course@kaiku.test", "venue", "sampola-college", None),
    ("tampere@kaiku.test", "municipality", None, "837"),
)


def seed_demo() -> list[str]:
    """Create the demo registry unless it exists; return lines to print."""
    logins = [
        f"  {email} / {DEMO_PASSWORD} ({role}{' ' + place if place else ''})"
        for email, role, _, place in DEMO_USERS
    ]
    if db.session.scalar(select(Area).where(Area.code == "PIR")) is not None:
        return ["Demo data already loaded. Logins:", *logins, *seed_questions()]

    for code, name, members in AREAS[:2]:  # Pirkanmaa and Uusimaa, with their municipalities
        area = accounts.create_area(code, name)
        municipalities.load_shipped()
        for member in members:
            municipalities.join_network(area, member, NETWORKS_SINCE)
    accounts.create_site(
        "tampere-social",
        "Tampereen sosiaalipalvelut",
        area_code="PIR",
        kind="issuer",
        municipality="837",
    )
    accounts.create_site(
        "tampere-theatre",
        "Tampereen Teatteri",
        area_code="PIR",
        kind="venue",
        category="culture",
        municipality="837",
    )
    accounts.create_site(
        "sampola-college",
        "Sampolan kansalaisopisto",
        area_code="PIR",
        kind="venue",
        category="education",
        municipality="837",
    )
    accounts.create_site(
        "helsinki-museum",
        "Helsingin kaupunginmuseo",
        area_code="UUS",
        kind="venue",
        category="culture",
        municipality="091",
    )
    questions = seed_questions()  # before the demo's cards: their registration asks them
    for email, role, site, place in DEMO_USERS:
        accounts.create_user(
            email,
            role=role,
            password=DEMO_PASSWORD,
            site_slug=site,
            area_code=place if role == "admin" else None,
            municipality_code=place if role == "municipality" else None,
        )
    _, api_key = accounts.create_api_key("tampere-theatre")
    today = local_today()
    event = accounts.create_event("tampere-theatre", "Iltanäytös", date=today, quota=20)

    stock = cards.issue_cards(accounts.find_area("PIR"), accounts.find_site("tampere-social"), 8)
    states = {}
    for card, children in zip(stock[:5], (0, 1, 2, 3, 0)):
        cards.register_card(
            card, birth_year=1960 + children * 7, postcode="33100", children=children
        )
        states[card.number] = f"active, {children} children"
    blocked, expired = stock[3], stock[4]
    cards.block_card(blocked)
    states[blocked.number] = "blocked"
    expired.valid_from = today - timedelta(days=400)
    expired.valid_until = today - timedelta(days=35)
    db.session.commit()
    states[expired.number] = "expired"
    for card in stock[5:]:
        states[card.number] = "unregistered"

    for kind in ("sites", "cards", "uses"):  # the earlier registry's sample export
        imports.LOADERS[kind](imports.sample(kind).read_bytes(), source=imports.sample(kind).name)
    imported = db.session.scalars(
        select(Card).where(Card.legacy_id.is_not(None)).order_by(Card.legacy_id)
    ).all()

    history = seed_history(cards=400, uses=3000, venues=25, issuers=10, years=2)
    lines = [
        "Demo data loaded. Logins:",
        *logins,
        f"  API key of tampere-theatre (shown once): {api_key}",
        f"  Event today at tampere-theatre: id {event.id}, quota 20",
        "Cards:",
    ]
    for card in stock:
        lines.append(
            f"  {card.display_number}  {states[card.number]:20} "
            f"{card_url(card.number, card.generation)}"
        )
    lines.append("Cards imported from the earlier registry (type the ID, or its phone card):")
    for card in imported:
        lines.append(
            f"  {card.display_number:11} {checkin.card_state(card):20} "
            f"{card_url(card.number, card.generation)}"
        )
    return [*lines, *history, *questions]


DEMO_QUESTIONS = (  # (question, answers) in Finnish, Swedish and English
    (
        (
            "Kuinka tyytyväinen olet elämääsi tällä hetkellä?",
            "Hur nöjd är du med ditt liv just nu?",
            "How satisfied are you with your life at the moment?",
        ),
        (
            ("Erittäin tyytyväinen", "Mycket nöjd", "Very satisfied"),
            ("Melko tyytyväinen", "Ganska nöjd", "Fairly satisfied"),
            ("Ei tyytyväinen eikä tyytymätön", "Varken nöjd eller missnöjd", "Neither"),
            ("Melko tyytymätön", "Ganska missnöjd", "Fairly dissatisfied"),
            ("Erittäin tyytymätön", "Mycket missnöjd", "Very dissatisfied"),
        ),
    ),
    (
        (
            "Kuinka usein tunnet itsesi yksinäiseksi?",
            "Hur ofta känner du dig ensam?",
            "How often do you feel lonely?",
        ),
        (
            ("En koskaan", "Aldrig", "Never"),
            ("Harvoin", "Sällan", "Rarely"),
            ("Joskus", "Ibland", "Sometimes"),
            ("Usein", "Ofta", "Often"),
            ("Jatkuvasti", "Hela tiden", "All the time"),
        ),
    ),
    (
        (
            "Kuinka usein osallistut kulttuuri-, liikunta- tai muuhun vapaa-ajan toimintaan "
            "kodin ulkopuolella?",
            "Hur ofta deltar du i kultur, idrott eller annan fritidsverksamhet utanför hemmet?",
            "How often do you take part in culture, sport or other leisure activities outside "
            "your home?",
        ),
        (
            ("Joka viikko", "Varje vecka", "Every week"),
            ("Joka kuukausi", "Varje månad", "Every month"),
            ("Muutaman kerran vuodessa", "Några gånger om året", "A few times a year"),
            ("Harvemmin", "Mer sällan", "Less often"),
        ),
    ),
)


def seed_questions() -> list[str]:
    """The demo's wellbeing questions, in use, unless the registry has some already."""
    if db.session.scalar(select(WellbeingSet.id).limit(1)) is not None:
        return []
    version = wellbeing.new_version()
    wellbeing.add_questions(version, DEMO_QUESTIONS)
    wellbeing.publish(version)
    return [f"Wellbeing questions: version {version.version} in use."]
