"""The registry. No name or identity data of a cardholder is stored anywhere."""

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .core import numbers
from .core.clock import utcnow
from .extensions import db

ROLES = ("admin", "issuer", "venue", "municipality")
SITE_KINDS = ("issuer", "venue")
CATEGORIES = ("culture", "education", "science", "sport")
USE_KINDS = ("ticket", "course_place", "season_pass")  # what a use gives, whatever the category
CARD_STATUSES = ("unregistered", "active", "blocked", "replaced")
CARD_KINDS = ("personal", "community")
GENDERS = ("female", "male", "other")
LIFE_SITUATIONS = ("employed", "unemployed", "student", "retired", "disability", "other")
OCCASIONS = ("registration", "renewal")  # when the wellbeing questions are asked


def _one_of(column: str, values: tuple[str, ...], nullable: bool = False) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    condition = f"{column} IN ({allowed})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=f"ck_{column}")


class Area(db.Model):
    """A regional network of sites (a wellbeing area or a group of municipalities)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class Municipality(db.Model):
    """A municipality of Statistics Finland's classification; in a Kaikukortti network
    (an Area) from the day it joined, when it has joined one."""

    __table_args__ = (
        CheckConstraint("(area_id IS NULL) = (joined_on IS NULL)", name="ck_network_joined"),
    )
    code: Mapped[str] = mapped_column(String(3), primary_key=True)  # official, e.g. "837"
    name_fi: Mapped[str] = mapped_column(String(80))
    name_sv: Mapped[str] = mapped_column(String(80))
    wellbeing_area_fi: Mapped[str | None] = mapped_column(String(120))
    wellbeing_area_sv: Mapped[str | None] = mapped_column(String(120))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    joined_on: Mapped[date | None]

    area: Mapped[Area | None] = relationship()


class Population(db.Model):
    """A municipality's inhabitants at the end of a year (Statistics Finland's figure), for
    figures per 1,000 inhabitants."""

    __table_args__ = (CheckConstraint("inhabitants > 0", name="ck_inhabitants"),)
    municipality_code: Mapped[str] = mapped_column(
        ForeignKey("municipality.code"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    inhabitants: Mapped[int]


class Site(db.Model):
    """An issuing organisation or a venue."""

    __table_args__ = (
        _one_of("kind", SITE_KINDS),
        _one_of("category", CATEGORIES, nullable=True),
        _one_of("default_use", USE_KINDS, nullable=True),
        CheckConstraint("kind = 'issuer' OR category IS NOT NULL", name="ck_venue_category"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    kind: Mapped[str] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(12))  # a venue's default
    # The other categories a venue's desk may pick (space-separated), and the kind of use
    # its desk gives unless it picks another (None: a ticket).
    offers: Mapped[str | None] = mapped_column(String(60))
    default_use: Mapped[str | None] = mapped_column(String(12))
    # A closed site's users can't log in and its API keys are refused; its history stays.
    closed_at: Mapped[datetime | None]
    contact: Mapped[str | None] = mapped_column(String(200))  # for other staff (not on cards)
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))

    area: Mapped[Area] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    @property
    def categories(self) -> list[str]:
        """A venue's categories, its default first."""
        return [self.category, *(self.offers or "").split()] if self.category else []

    @property
    def use_kind(self) -> str:
        return self.default_use or "ticket"


class User(UserMixin, db.Model):
    """Staff: admins, issuers, venue desks and municipalities' coordinators (who read
    their municipality's figures). Cardholders never log in."""

    __table_args__ = (
        _one_of("role", ROLES),
        CheckConstraint(
            "role IN ('admin', 'municipality') OR site_id IS NOT NULL", name="ck_user_site"
        ),
        CheckConstraint("role = 'admin' OR area_id IS NULL", name="ck_user_area"),
        CheckConstraint(
            "(role = 'municipality') = (municipality_code IS NOT NULL)",
            name="ck_user_municipality",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(12))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))  # an area's coordinator
    # A municipality's coordinator: reads the figures of its residents and venues.
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)  # an admin can close an account
    # The second factor (core/second_factor.py): the authenticator app's shared secret, and
    # the last 30-second step whose code was accepted, so that no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]

    site: Mapped[Site | None] = relationship()
    area: Mapped[Area | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    @property
    def is_national_admin(self) -> bool:
        return self.role == "admin" and self.area_id is None

    @property
    def may_log_in(self) -> bool:
        """An open account, at a site that is not closed."""
        return self.active and (self.site is None or self.site.closed_at is None)


class StaffSession(db.Model):
    """One login. The browser's cookie holds its key (only the key's SHA-256 is kept); the
    server decides whether it is still open: logout ends it, and so do a working day idle,
    a new password and a closed account (core/sessions.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app once (a lost phone).
    Only its SHA-256 is kept; a used code is deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)


class ApiKey(db.Model):
    """A site's key for the JSON API. Only its SHA-256 is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    site: Mapped[Site] = relationship()


class Batch(db.Model):
    """Card stock generated together, printed together."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship()
    area: Mapped[Area] = relationship()


class Card(db.Model):
    """A physical card and, once registered, its holder's allowance."""

    __table_args__ = (
        _one_of("status", CARD_STATUSES),
        _one_of("kind", CARD_KINDS),
        _one_of("gender", GENDERS, nullable=True),
        _one_of("life_situation", LIFE_SITUATIONS, nullable=True),
        CheckConstraint("children BETWEEN 0 AND 9", name="ck_children"),
        CheckConstraint("client_cap IS NULL OR client_cap BETWEEN 1 AND 30", name="ck_client_cap"),
        CheckConstraint("generation >= 1", name="ck_generation"),
        CheckConstraint(
            "status = 'unregistered' OR (valid_from IS NOT NULL AND valid_until IS NOT NULL)",
            name="ck_registered_validity",
        ),
        Index(  # holders with a valid card in a period, by home municipality
            "ix_card_holders",
            "municipality_code",
            "first_card_id",
            "valid_until",
            "registered_at",
            "status",
            "blocked_at",
            "home_area_id",  # (an area's scope)
        ),
        Index(  # a holder's current card, by their first card: who the holders are
            "ix_card_profiles",
            "first_card_id",
            "status",
            "kind",
            "birth_year",
            "gender",
            "life_situation",
        ),
        Index(  # the few community cards, to count their uses from them
            "ix_card_community",
            "id",
            sqlite_where=text("kind = 'community'"),
            postgresql_where=text("kind = 'community'"),
        ),
        Index(  # the registrations in a period, by area and site, and if they were used
            "ix_card_registrations",
            "registered_at",
            "first_card_id",
            "home_area_id",
            "issuing_site_id",
            "first_used_at",
            "municipality_code",
            "kind",  # (community cards' registrations)
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # Kaiku's own number (numbers.py), or an imported card's ID from the old registry
    # as it is matched: upper case, without spaces and dashes (see core/legacy.py).
    number: Mapped[str] = mapped_column(String(20), unique=True)
    # An imported card's ID as the old registry wrote it (shown to staff, who compare it
    # with the card); None on Kaiku's own cards.
    legacy_id: Mapped[str | None] = mapped_column(String(40), index=True)
    home_area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    issuing_site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    status: Mapped[str] = mapped_column(String(12), default="unregistered")
    kind: Mapped[str] = mapped_column(String(10), default="personal")
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    birth_year: Mapped[int | None]
    postcode: Mapped[str | None] = mapped_column(String(5))
    children: Mapped[int] = mapped_column(default=0)
    # A community card's: the organisation whose staff member holds it, and how many
    # clients under 16 may come along on one visit.
    organisation: Mapped[str | None] = mapped_column(String(120))
    client_cap: Mapped[int | None]
    # The holder's home municipality (none on cards registered before municipalities).
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))
    gender: Mapped[str | None] = mapped_column(String(8))
    life_situation: Mapped[str | None] = mapped_column(String(12))
    # Since when the card is blocked (None on cards blocked before this was kept: then
    # it is taken as blocked on every day).
    blocked_at: Mapped[datetime | None]
    # When the holder's data above was removed (on request, or by the retention rule).
    holder_data_removed_at: Mapped[datetime | None]
    generation: Mapped[int] = mapped_column(default=1)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("card.id"))
    # The holder's first card, carried on by replacements: statistics count a holder once.
    first_card_id: Mapped[int | None] = mapped_column(ForeignKey("card.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_at: Mapped[datetime | None]
    # On a holder's first card: when the holder first used any of their cards (uses
    # not undone), so that "activated" is read without looking through the uses.
    first_used_at: Mapped[datetime | None]
    # An imported card's status, last day and children as its last import set them
    # ("active|2026-05-31|2"): a newer export changes the card only if Kaiku hasn't since.
    imported_as: Mapped[str | None] = mapped_column(String(40))

    home_area: Mapped[Area] = relationship(foreign_keys=[home_area_id])
    issuing_site: Mapped[Site] = relationship(foreign_keys=[issuing_site_id])
    municipality: Mapped[Municipality | None] = relationship()
    batch: Mapped[Batch | None] = relationship()
    # Its periods of validity, oldest first (none kept for cards registered before they
    # were: valid_from and valid_until then stand for the one period it had).
    periods: Mapped[list["CardPeriod"]] = relationship(order_by="CardPeriod.id")

    @property
    def display_number(self) -> str:
        """The number as staff read it off the card: Kaiku's in groups of three, an
        imported card's ID as the old registry wrote it."""
        return self.legacy_id or numbers.display(self.number)


class CardPeriod(db.Model):
    """One period of a card's validity (its registration, then each renewal), so that a
    late entry can judge the card as it was on the day of the visit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"), index=True)
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    # When the renewal that began this period was made (None: the registration's period,
    # or a renewal made before this was kept).
    renewed_at: Mapped[datetime | None]


class Event(db.Model):
    """Something a venue gives free tickets to, optionally capped by a quota."""

    __table_args__ = (
        CheckConstraint("quota IS NULL OR quota >= 0", name="ck_quota"),
        CheckConstraint("offline_quota IS NULL OR offline_quota >= 0", name="ck_offline_quota"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    name: Mapped[str] = mapped_column(String(200))
    date: Mapped[date]
    quota: Mapped[int | None]
    # How many free tickets one desk device may give without network (it counts down its
    # own): desks offline can't see each other's, so together they stay within the quota.
    offline_quota: Mapped[int | None]

    venue: Mapped[Site] = relationship()


class Use(db.Model):
    """One visit on a card: the free tickets a desk gave.

    The partial unique indexes are the last word on "one use per event, or per
    day without an event": two racing desks cannot both insert. The card's home
    area and municipality, issuing site and first card are copied in as they were at
    the visit, so that statistics read this table alone (or MonthlyUses), from covering
    indexes.
    """

    __table_args__ = (
        _one_of("category", CATEGORIES),
        _one_of("kind", USE_KINDS),
        CheckConstraint("adults = 1", name="ck_adults"),
        CheckConstraint("children BETWEEN 0 AND 9", name="ck_use_children"),
        CheckConstraint("clients BETWEEN 0 AND 30", name="ck_use_clients"),
        CheckConstraint("assistant IN (0, 1)", name="ck_assistant"),
        Index(
            "uq_use_per_event",
            "card_id",
            "venue_id",
            "event_id",
            unique=True,
            sqlite_where=text("voided_at IS NULL AND event_id IS NOT NULL"),
            postgresql_where=text("voided_at IS NULL AND event_id IS NOT NULL"),
        ),
        Index(
            "uq_use_per_day",
            "card_id",
            "venue_id",
            "day",
            unique=True,
            sqlite_where=text("voided_at IS NULL AND event_id IS NULL"),
            postgresql_where=text("voided_at IS NULL AND event_id IS NULL"),
        ),
        Index(
            "ix_use_stats",
            "day",
            "venue_id",
            "category",
            "home_area_id",
            "issuing_site_id",
            "first_card_id",
            "children",
            "home_municipality_code",  # (a municipality's scope)
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
        Index(  # by venue, then holder: the holders each venue reached, without sorting
            "ix_use_places",
            "venue_id",
            "first_card_id",
            "day",
            "category",
            "home_area_id",
            "children",
            "issuing_site_id",
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
        Index(  # by home municipality, then day: a municipality's figures of a period
            "ix_use_municipalities",
            "home_municipality_code",
            "day",
            "category",
            "children",
            "first_card_id",
            "home_area_id",  # (an area's scope)
            "venue_id",
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
        Index(  # a card's uses by day: a community card's, say, without reading each use
            "ix_use_card_days",
            "card_id",
            "day",
            "clients",
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
        Index(  # the few uses entered late
            "ix_use_late",
            "day",
            sqlite_where=text("late = 1 AND voided_at IS NULL"),  # as SQLAlchemy writes it
            postgresql_where=text("late AND voided_at IS NULL"),
        ),
        Index(  # an issuing site's cards' uses by day: an issuer's figures of a period
            "ix_use_issuing_sites",
            "issuing_site_id",
            "day",
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
        Index(  # an area's cards' uses by day, wherever they were used: an area's figures
            "ix_use_home_areas",
            "home_area_id",
            "day",
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
        Index(  # by holder: has a holder used a card at all, and how often
            "ix_use_holder",
            "first_card_id",
            "day",
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    home_area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    # The holder's home municipality at the visit (a code, kept as history: None when the
    # card had none, as cards registered before municipalities were known).
    home_municipality_code: Mapped[str | None] = mapped_column(String(3))
    issuing_site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    first_card_id: Mapped[int] = mapped_column(ForeignKey("card.id"))
    category: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(12), default="ticket")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)  # UTC
    day: Mapped[date]  # the local (Finnish) date of recorded_at
    adults: Mapped[int] = mapped_column(default=1)
    children: Mapped[int] = mapped_column(default=0)
    clients: Mapped[int] = mapped_column(default=0)  # a community card's group under 16
    assistant: Mapped[int] = mapped_column(default=0)
    typed: Mapped[bool] = mapped_column(default=False)  # number typed, no signature
    # Entered afterwards with the visit's real date (``day``): the desk was offline or on
    # paper. ``recorded_at`` is when it was entered, or for a use a desk kept offline, when
    # the device recorded it (``received_at``: when it reached the server).
    late: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime | None]  # UTC; only a use kept offline has one
    device_id: Mapped[str | None] = mapped_column(String(36))  # the desk device's own id
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_by_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"))
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    voided_at: Mapped[datetime | None]

    card: Mapped[Card] = relationship(foreign_keys=[card_id])
    venue: Mapped[Site] = relationship(foreign_keys=[venue_id])
    event: Mapped[Event | None] = relationship()
    recorded_by_user: Mapped[User | None] = relationship()


class WellbeingSet(db.Model):
    """A version of the wellbeing questions asked at registration and renewal. A draft is
    edited; once in use it never changes, and a newer version replaces it."""

    __tablename__ = "wellbeing_set"
    __table_args__ = (
        CheckConstraint(
            "retired_at IS NULL OR published_at IS NOT NULL", name="ck_retired_after_use"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]  # put in use (None: a draft)
    retired_at: Mapped[datetime | None]  # replaced by a newer version

    questions: Mapped[list["WellbeingQuestion"]] = relationship(
        order_by="WellbeingQuestion.position", cascade="all, delete-orphan", back_populates="set"
    )

    @property
    def state(self) -> str:
        """draft, in_use or replaced."""
        if self.published_at is None:
            return "draft"
        return "replaced" if self.retired_at else "in_use"


class _Texts:
    """A text in Finnish, Swedish and English: ``text(language)``."""

    def text(self, language: str) -> str:
        return getattr(self, f"text_{language}", None) or self.text_fi


class WellbeingQuestion(_Texts, db.Model):
    __tablename__ = "wellbeing_question"
    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("wellbeing_set.id"), index=True)
    position: Mapped[int]
    text_fi: Mapped[str] = mapped_column(String(300))
    text_sv: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(String(300))

    set: Mapped[WellbeingSet] = relationship(back_populates="questions")
    options: Mapped[list["WellbeingOption"]] = relationship(
        order_by="WellbeingOption.position", cascade="all, delete-orphan"
    )

    def choices(self, language: str) -> list[tuple[int, str]]:
        """(option id, its text) of each answer offered."""
        return [(option.id, option.text(language)) for option in self.options]


class WellbeingOption(_Texts, db.Model):
    """One of a question's fixed answers (no free text anywhere)."""

    __tablename__ = "wellbeing_option"
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("wellbeing_question.id"), index=True)
    position: Mapped[int]
    text_fi: Mapped[str] = mapped_column(String(120))
    text_sv: Mapped[str] = mapped_column(String(120))
    text_en: Mapped[str] = mapped_column(String(120))


class WellbeingInvitation(db.Model):
    """A period of a card (its registration or a renewal) whose holder may answer the
    questions: open for a few days, closed once answered or declined, and kept so that a
    period is asked once. When the issuer gives the holder a one-time link, only its
    SHA-256 is kept."""

    __tablename__ = "wellbeing_invitation"
    __table_args__ = (_one_of("occasion", OCCASIONS),)
    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("card_period.id"), unique=True)
    occasion: Mapped[str] = mapped_column(String(12))
    set_id: Mapped[int] = mapped_column(ForeignKey("wellbeing_set.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    link_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    card: Mapped[Card] = relationship()
    set: Mapped[WellbeingSet] = relationship()


class WellbeingAnswer(db.Model):
    """One answer to one question, counted in reports and never shown per person. Only a
    first registration's answers name their holder (their first card), so that the
    holder's renewal can be compared with them; a renewal's answer carries that first
    answer instead (``baseline_option_id``) and names no one. The link goes with the
    holder's data (on request, or by the retention rule)."""

    __tablename__ = "wellbeing_answer"
    __table_args__ = (
        _one_of("occasion", OCCASIONS),
        CheckConstraint(
            "occasion = 'renewal' OR baseline_option_id IS NULL", name="ck_baseline_at_renewal"
        ),
        CheckConstraint(
            "occasion = 'registration' OR holder_id IS NULL", name="ck_holder_at_registration"
        ),
        Index(  # a year's answers, by area and question: the reports read this alone
            "ix_wellbeing_answer_report",
            "answered_on",
            "area_id",
            "question_id",
            "occasion",
            "option_id",
            "baseline_option_id",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("wellbeing_question.id"))
    option_id: Mapped[int] = mapped_column(ForeignKey("wellbeing_option.id"))
    occasion: Mapped[str] = mapped_column(String(12))
    answered_on: Mapped[date]  # the local (Finnish) date
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))  # the holder's home area then
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("card.id"), index=True)
    baseline_option_id: Mapped[int | None] = mapped_column(ForeignKey("wellbeing_option.id"))


class ImportMapping(db.Model):
    """How another registry's export names Kaiku's import columns and card statuses,
    saved by a national admin to use again with its next export (core/imports.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    columns: Mapped[str] = mapped_column(Text)  # JSON: {Kaiku's column: the file's}
    statuses: Mapped[str] = mapped_column(Text)  # JSON: {the file's word: Kaiku's status}
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportUpload(db.Model):
    """A file a national admin uploaded to import, kept between its preview and the
    import (any server may answer either), then deleted; a day at most (apply-retention)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(5))  # cards or uses
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    mapping_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_mapping.id", ondelete="SET NULL")
    )
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    mapping: Mapped[ImportMapping | None] = relationship()


class AuditEntry(db.Model):
    """Who changed what, when, before and after. Rows are only ever added."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor: Mapped[str] = mapped_column(String(254))  # e-mail then, or "command line"
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(300), index=True)  # e.g. "card K7Q-4MZ-R23"
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON


class MonthlyUses(db.Model):
    """Uses counted by month, venue, category and the card's home area, kept up to date
    as desks record and undo uses: statistics add whole months up from these few rows
    instead of reading every use. (Not by issuing site: there are so many of them that
    the rows would be nearly as many as the uses.)"""

    __tablename__ = "monthly_uses"
    __table_args__ = {"sqlite_with_rowid": False}  # the key is the order rows are read in
    venue_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(12), primary_key=True)
    home_area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)  # its first (Finnish) day
    adults: Mapped[int] = mapped_column(default=0)
    children: Mapped[int] = mapped_column(default=0)


class MonthlyHomeUses(db.Model):
    """Uses counted by month, category and the holder's home municipality (as each use
    recorded it; "" where not known), kept up to date with MonthlyUses: the national
    figures by home municipality add whole months up from these few thousand rows."""

    __tablename__ = "monthly_home_uses"
    __table_args__ = {"sqlite_with_rowid": False}
    home_municipality_code: Mapped[str] = mapped_column(String(3), primary_key=True)
    category: Mapped[str] = mapped_column(String(12), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)  # its first (Finnish) day
    adults: Mapped[int] = mapped_column(default=0)
    children: Mapped[int] = mapped_column(default=0)
