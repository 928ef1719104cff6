"""Racing desks: many requests at once never record beyond the rules."""

import threading
from collections import Counter

from app.core import accounts, checkin
from app.extensions import db
from app.models import Card, Use
from tests import factories

RACERS = 8


def race(app, headers, bodies):
    """POST each body to /api/v1/uses from its own thread, all released at once."""
    return all_at_once(app, [("POST", "/api/v1/uses", headers, body) for body in bodies])


def all_at_once(app, requests):
    """Send each (method, path, headers, body) from its own thread, all released at once."""
    db.session.commit()  # let go of this thread's transaction (SQLite holds a lock)
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, method, path, headers, body):
        client = app.test_client()
        barrier.wait()
        response = client.open(path, method=method, json=body, headers=headers)
        results[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=run, args=(i, *r)) for i, r in enumerate(requests)]
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


def test_undoing_a_holders_first_use_while_the_card_is_used_again(app, world, key):
    """The undo and the new use queue on the holder's card: both land (no deadlock), and
    the holder is still activated, by the use that stays."""
    event_id = accounts.create_event("theatre", "Matinee", date=factories.today(), quota=None).id
    for round in range(4):
        card = factories.active_card(world.area, world.issuer)
        url = factories.url_of(card)
        first, _ = checkin.record_use(url, world.venue, nonce=f"first-use-{round:04}")
        results = all_at_once(
            app,
            [
                ("DELETE", f"/api/v1/uses/{first.id}", key, None),
                (
                    "POST",
                    "/api/v1/uses",
                    key,
                    {"code": url, "nonce": f"again-{round:04}", "event": event_id},
                ),
            ],
        )
        assert [code for code, _ in results] == [200, 201], results
        db.session.expire_all()
        again = db.session.get(Use, results[1][1]["id"])
        assert db.session.get(Card, card.id).first_used_at == again.recorded_at
    assert factories.monthly_totals() == factories.monthly_by_hand()
