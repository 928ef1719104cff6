"""The late-entry page: a venue's users at their venue, a coordinator at any venue of the
area; refusals say why beside the number, and nothing is recorded."""

from datetime import timedelta

import pytest

from app.core import accounts
from app.extensions import db
from app.models import AuditEntry, Use
from tests import factories


@pytest.fixture
def registered_earlier(world, monkeypatch):
    """A card registered ten days ago (the clock back at today after)."""
    factories.travel(monkeypatch, f"{factories.today() - timedelta(days=10)} 10:00")
    card = factories.active_card(world.area, world.issuer, children=1)
    factories.travel(monkeypatch, None)
    return card


def entry(card, day, **extra) -> dict:
    return {
        "code": card.number,
        "date": day.isoformat(),
        "nonce": f"late-{card.number}-{day}",
        **extra,
    }


def uses() -> list[Use]:
    db.session.expire_all()
    return db.session.query(Use).all()


def test_a_desk_enters_a_visit_noted_on_paper(client, world, registered_earlier):
    factories.staff(world)
    factories.log_in(client, factories.Staff.desk)
    assert 'href="/desk/late"' in client.get("/desk").text
    day = factories.today() - timedelta(days=3)
    response = client.post("/desk/late", data=entry(registered_earlier, day, children="1"))
    assert response.status_code == 302 and f"date={day}" in response.location
    [use] = uses()
    assert (use.late, use.day, use.children, use.venue_id) == (True, day, 1, world.venue.id)
    assert db.session.query(AuditEntry).filter_by(action="use.late").count() == 1


def test_a_refusal_says_why_and_records_nothing(client, world, registered_earlier):
    factories.staff(world)
    factories.log_in(client, factories.Staff.desk)
    day = factories.today() - timedelta(days=20)  # before the card was registered
    response = client.post("/desk/late", data=entry(registered_earlier, day))
    assert response.status_code == 422 and 'id="code-error"' in response.text
    assert "Korttia ei ollut vielä rekisteröity" in response.text  # about that day, for staff
    blank_day = client.post("/desk/late", data={**entry(registered_earlier, day), "date": ""})
    assert blank_day.status_code == 422 and 'id="date-error"' in blank_day.text
    assert uses() == []


def test_a_coordinator_enters_for_any_venue_of_the_area_only(client, world, registered_earlier):
    factories.staff(world)
    accounts.create_area("UUS", "Uusimaa")
    accounts.create_site("hki", "Helsinki hall", area_code="UUS", kind="venue", category="sport")
    factories.log_in(client, factories.Staff.coordinator)
    page = client.get("/admin/late").text
    assert 'value="museum"' in page and 'value="hki"' not in page
    day = factories.today() - timedelta(days=2)
    refused = client.post("/admin/late", data=entry(registered_earlier, day, venue="hki"))
    assert refused.status_code == 422 and uses() == []
    done = client.post("/admin/late", data=entry(registered_earlier, day, venue="museum"))
    assert done.status_code == 302
    [use] = uses()
    assert (use.venue_id, use.late) == (world.other_venue.id, True)
