"""The figures, hand-counted on the small registry of factories.history (read its
docstring first): voided uses not counted, a replaced card's holder counted once,
periods cut at Finnish midnight."""

from collections import defaultdict
from datetime import date
from functools import partial

import pytest

from app.core import stats
from app.core.exceptions import InvalidInput
from app.extensions import db
from app.models import Use, User
from tests import factories

YEAR_2025 = stats.Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def staff(world):
    factories.staff(world)

    def user(email):
        return db.session.scalar(db.select(User).where(User.email == email))

    return {role: user(email) for role, email in vars(factories.Staff()).items()}


def usage(viewer, period) -> stats.Usage:
    return stats.Usage(stats.places(viewer, period))


def tallies(mapping) -> dict:
    return {key: (tally.adults, tally.children) for key, tally in mapping.items()}


class TestUsesNationally:
    def test_totals_count_uses_between_finnish_midnights_and_skip_voided_ones(self, history, staff):
        figures = usage(staff["national"], YEAR_2025)
        # uses 1-6, 8, 9: use 6 is 2024 in UTC, 5 is 2025 in Finland, 10 voided, 11 in 2026
        assert (figures.total().adults, figures.total().children) == (8, 3)

    def test_by_category(self, history, staff):
        figures = usage(staff["national"], YEAR_2025)
        assert tallies(figures.by(lambda place: place.category)) == {
            "culture": (4, 2),  # uses 1, 2, 5, 6
            "education": (1, 0),  # use 3
            "sport": (3, 1),  # uses 4, 8, 9
        }

    def test_by_month(self, history, staff):
        assert tallies(stats.months(staff["national"], YEAR_2025)) == {
            (2025, 1): (3, 2),
            (2025, 2): (1, 0),
            (2025, 3): (1, 1),
            (2025, 4): (1, 0),
            (2025, 7): (1, 0),
            (2025, 12): (1, 0),
        }

    def test_by_venue_and_the_cards_each_reached(self, history, staff, world):
        figures = usage(staff["national"], YEAR_2025)
        assert tallies(figures.by(lambda place: place.venue_id)) == {
            world.venue.id: (3, 2),
            world.other_venue.id: (1, 0),
            world.course_venue.id: (1, 0),
            history.uus_sport.id: (3, 1),
        }
        assert stats.cards_per_venue(staff["national"], YEAR_2025) == {
            world.venue.id: 2,  # A and B
            world.other_venue.id: 1,
            world.course_venue.id: 1,
            history.uus_sport.id: 2,  # A, and C's holder with either card
        }

    def test_by_area_both_ways_and_uses_away_from_home(self, history, staff, world):
        figures = usage(staff["national"], YEAR_2025)
        uus = history.uusimaa.id
        assert tallies(figures.by(lambda place: place.venue_area_id)) == {
            world.area.id: (5, 2),
            uus: (3, 1),
        }
        assert tallies(figures.by(lambda place: place.home_area_id)) == {
            world.area.id: (6, 3),
            uus: (2, 0),
        }
        other = figures.from_other_areas()  # use 4: a Pirkanmaa card in Uusimaa
        assert (other.adults, other.children) == (1, 1)

    def test_frequency_counts_a_replaced_cards_holder_once(self, history, staff):
        # A: 5 uses; B: 1; C's holder: 1 on C and 1 on C2
        assert stats.frequency(staff["national"], YEAR_2025) == {"once": 1, "2-5": 2, "6+": 0}

    def test_six_uses_make_a_keen_holder(self, history, staff):
        whole = stats.Period(date(2024, 1, 1), date(2026, 12, 31))
        # A: 6 uses over the years; B: uses 6 and 7; C's holder: 2 (the voided one not)
        assert stats.frequency(staff["national"], whole) == {"once": 0, "2-5": 2, "6+": 1}

    @pytest.mark.parametrize(
        "start, end", [("2000-01-01", "2000-12-31"), ("2090-01-01", "2100-12-31")]
    )
    def test_periods_far_from_every_use_count_nothing(self, history, staff, start, end):
        period = stats.Period(date.fromisoformat(start), date.fromisoformat(end))
        assert stats.frequency(staff["national"], period) == {"once": 0, "2-5": 0, "6+": 0}
        assert stats.cards_per_venue(staff["national"], period) == {}

    def test_a_year_earlier(self, history, staff):
        earlier = stats.months(staff["national"], YEAR_2025.year_earlier())
        assert tallies(earlier) == {(2024, 6): (1, 0)}  # use 7


class TestRegistrations:
    def test_registered_and_activated_by_site(self, history, staff, world):
        rows = stats.registrations(staff["national"], YEAR_2025)
        # A (00:30 on New Year's Day) and D at the Pirkanmaa issuer, C in Uusimaa; C2 is
        # C's holder again, E registered after Finnish midnight, B in 2024
        assert {(row.issuing_site_id, row.registered, row.activated) for row in rows} == {
            (world.issuer.id, 2, 1),  # D never used
            (history.uus_issuer.id, 1, 1),
        }

    def test_a_year_earlier(self, history, staff, world):
        rows = stats.registrations(staff["national"], YEAR_2025.year_earlier())
        assert [(row.registered, row.activated) for row in rows] == [(1, 1)]  # B

    def test_yearly_table(self, history, staff):
        years = {year.year: year for year in stats.yearly(staff["national"])}
        expected = {  # (registered, activated, areas), category: (adults, children)
            2024: ((1, 1, 1), {"culture": (1, 0)}),
            2025: ((3, 2, 2), {"culture": (4, 2), "education": (1, 0), "sport": (3, 1)}),
        }
        for number, (holders, categories) in expected.items():
            year = years[number]
            assert (year.registered, year.activated, year.areas) == holders
            assert {key: n for key, n in tallies(year.by_category).items() if n != (0, 0)} == (
                categories
            )
        assert years[2026].by_category["culture"].adults == 1  # use 11
        assert min(years) == 2024


class TestScopes:
    def test_an_area_counts_its_venues_and_its_cards_elsewhere(self, history, staff):
        figures = usage(staff["coordinator"], YEAR_2025)
        # uses 1-6; not 8 and 9 (an Uusimaa card in Uusimaa)
        assert (figures.total().adults, figures.total().children) == (6, 3)
        assert stats.frequency(staff["coordinator"], YEAR_2025) == {
            "once": 1,
            "2-5": 1,
            "6+": 0,
        }
        rows = stats.registrations(staff["coordinator"], YEAR_2025)
        assert [(row.registered, row.activated) for row in rows] == [(2, 1)]

    def test_an_issuer_counts_its_own_cards_wherever_used(self, history, staff):
        figures = usage(staff["issuer"], YEAR_2025)
        assert (figures.total().adults, figures.total().children) == (6, 3)  # A and B
        assert {place.category for place in figures.places} == {"culture", "education", "sport"}

    def test_a_venue_counts_its_own_uses(self, history, staff, world):
        figures = usage(staff["desk"], YEAR_2025)
        assert {place.venue_id for place in figures.places} == {world.venue.id}
        assert (figures.total().adults, figures.total().children) == (3, 2)  # uses 1, 5, 6
        assert stats.registrations(staff["desk"], YEAR_2025) == []


class TestPeriods:
    def test_this_year_so_far_by_default(self, ctx):
        period = stats.check_period(None, "")
        assert period == stats.year_to_date()
        assert (period.start.month, period.start.day) == (1, 1)

    @pytest.mark.parametrize(
        "start, end, field",
        [
            ("2025-13-01", "2025-12-31", "start"),
            ("yesterday", None, "start"),
            ("2025-01-01", "2025-02-30", "end"),
            ("2025-06-01", "2025-05-31", "end"),
            ("2001-01-01", "2025-01-01", "start"),  # over 20 years
            ("0001-01-01", "0001-12-31", "start"),
            ("2025-01-01", "9999-12-31", "end"),
        ],
    )
    def test_bad_periods_are_refused_by_field(self, ctx, start, end, field):
        with pytest.raises(InvalidInput) as refused:
            stats.check_period(start, end)
        assert refused.value.field == field

    def test_a_year_earlier_keeps_the_days_and_leap_days_fall_back(self):
        leap = stats.Period(date(2024, 2, 1), date(2024, 2, 29))
        assert leap.year_earlier() == stats.Period(date(2023, 2, 1), date(2023, 2, 28))
        assert leap.months() == [(2024, 2)]
        assert stats.Period(date(2024, 11, 5), date(2025, 2, 1)).months() == [
            (2024, 11),
            (2024, 12),
            (2025, 1),
            (2025, 2),
        ]

    @pytest.mark.parametrize(
        "start, end, whole, around",
        [
            ("2025-01-01", "2025-12-31", ("2025-01-01", "2025-12-31"), []),
            (
                "2024-12-31",
                "2025-03-01",
                ("2025-01-01", "2025-02-28"),
                [("2024-12-31", "2024-12-31"), ("2025-03-01", "2025-03-01")],
            ),
            ("2024-02-01", "2024-02-29", ("2024-02-01", "2024-02-29"), []),
            ("2025-03-02", "2025-03-31", None, [("2025-03-02", "2025-03-31")]),
            ("2025-03-01", "2025-03-30", None, [("2025-03-01", "2025-03-30")]),
            ("2025-03-31", "2025-04-01", None, [("2025-03-31", "2025-04-01")]),
        ],
    )
    def test_whole_months_and_the_days_around_them(self, start, end, whole, around):
        def period(days):
            return stats.Period(*(date.fromisoformat(day) for day in days))

        cut = period((start, end))
        assert cut.whole_months() == (whole and period(whole))
        assert cut.around(cut.whole_months()) == [period(days) for days in around]


def sees(viewer, use) -> bool:
    """use_scope, one use at a time."""
    if viewer.role == "admin":
        return viewer.area_id in (None, use.home_area_id, use.venue.area_id)
    if viewer.role == "issuer":
        return use.issuing_site_id == viewer.site_id
    return use.venue_id == viewer.site_id


@pytest.mark.parametrize(
    "start, end",
    [
        ("2024-12-31", "2025-01-01"),  # only days
        ("2025-01-02", "2026-01-01"),  # days, 11 whole months, a day
        ("2024-06-01", "2025-02-28"),  # only whole months
        ("2025-03-01", "2026-01-01"),  # whole months, then a day
        ("2025-08-01", "2025-08-31"),  # a month whose only use was undone
    ],
)
def test_whole_months_and_days_add_up_as_the_uses_do(history, staff, start, end):
    """Whole months come from the monthly totals kept as desks record and undo uses
    (nationally, by home municipality too), the days around them from the uses:
    together they count every use once."""
    period = stats.Period(date.fromisoformat(start), date.fromisoformat(end))
    uses = db.session.scalars(
        db.select(Use).where(Use.voided_at.is_(None), Use.day.between(period.start, period.end))
    ).all()
    for who in ("national", "coordinator", "issuer", "desk"):
        viewer = staff[who]
        by_hand = defaultdict(lambda: [0, 0])
        for use in filter(partial(sees, viewer), uses):
            place = by_hand[use.venue_id, use.category, use.home_area_id]
            place[0] += 1
            place[1] += use.children
        counted = {
            (place.venue_id, place.category, place.home_area_id): [place.adults, place.children]
            for place in stats.places(viewer, period)
        }
        assert counted == by_hand, who
        by_month = defaultdict(lambda: [0, 0])
        for use in filter(partial(sees, viewer), uses):
            month = by_month[use.day.year, use.day.month]
            month[0] += 1
            month[1] += use.children
        assert {key: list(n) for key, n in tallies(stats.months(viewer, period)).items()} == (
            by_month
        ), who
        by_home = defaultdict(lambda: [0, 0])
        for use in filter(partial(sees, viewer), uses):
            home = by_home[use.home_municipality_code, use.category]
            home[0] += 1
            home[1] += use.children
        counted = {
            (code, category): [tally.adults, tally.children]
            for code, categories in stats.home_uses(viewer, period).items()
            for category, tally in categories.items()
            if tally.adults
        }
        assert counted == by_home, who


@pytest.mark.parametrize("who", ["national", "coordinator", "issuer", "desk"])
def test_periods_read_at_once_count_as_each_read_alone(history, staff, who):
    """A dashboard of over a year reads some figures for its period and the same a year
    earlier at once (the two overlap): each period's are those it counts alone."""
    period = stats.Period(date(2024, 6, 2), date(2025, 12, 31))
    periods = [period, period.year_earlier()]
    for together, alone in (
        (stats.frequency_in, stats.frequency),
        (stats.community_in, stats.community),
        (stats.home_uses_in, stats.home_uses),
    ):
        assert together(staff[who], periods) == [alone(staff[who], each) for each in periods]
