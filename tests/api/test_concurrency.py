"""Racing desks: many requests at once never record beyond the rules."""

import threading
from collections import Counter

from app.core import accounts
from app.extensions import db
from app.models import Use
from tests import factories

RACERS = 8


def race(app, headers, bodies):
    """POST each body to /api/v1/uses from its own thread, all released at once."""
    db.session.commit()  # let go of this thread's transaction (SQLite holds a lock)
    barrier = threading.Barrier(len(bodies))
    results = [None] * len(bodies)

    def run(index, body):
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/uses", json=body, headers=headers)
        results[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=run, args=(i, b)) for i, b in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def outcomes(results):
    return Counter((code, body.get("status") if code == 409 else None) for code, body in results)


def live_uses(**where):
    db.session.expire_all()
    return db.session.query(Use).filter_by(voided_at=None, **where).count()


def test_one_card_at_many_desks_at_once_is_recorded_once(app, world, key):
    url = world.url
    results = race(app, key, [{"code": url, "nonce": f"racer-{i:04}"} for i in range(RACERS)])
    assert outcomes(results) == {(201, None): 1, (409, "already_used"): RACERS - 1}
    assert live_uses(card_id=world.card.id) == 1
    assert factories.monthly_totals() == factories.monthly_by_hand()


def test_a_quota_is_never_overrun_by_a_rush(app, world, key):
    event = accounts.create_event("theatre", "Rush", date=factories.today(), quota=3)
    urls = [
        factories.url_of(factories.active_card(world.area, world.issuer)) for _ in range(RACERS)
    ]
    event_id = event.id
    bodies = [
        {"code": url, "nonce": f"rush-{i:04}", "event": event_id} for i, url in enumerate(urls)
    ]
    results = race(app, key, bodies)
    assert outcomes(results) == {(201, None): 3, (409, "quota_full"): RACERS - 3}
    assert live_uses(event_id=event_id) == 3
    assert factories.monthly_totals() == factories.monthly_by_hand()


def test_the_same_retry_sent_many_times_at_once_records_one_use(app, world, key):
    body = {"code": world.url, "nonce": "same-retry-0001", "children": 1}
    results = race(app, key, [body] * RACERS)
    assert {code for code, _ in results} == {201}
    assert len({response["id"] for _, response in results}) == 1
    assert live_uses(card_id=world.card.id) == 1
