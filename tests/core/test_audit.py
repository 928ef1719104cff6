"""The audit trail: what changed, never a holder's data, and kept for a set time only
(app/core/audit.py; the triggers of migrations/versions/*_0003_*)."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.core import audit, cards
from app.core.clock import utcnow
from app.extensions import db
from app.models import AuditEntry
from tests import factories


def entries(action: str) -> list[dict]:
    found = db.session.query(AuditEntry).filter_by(action=action).order_by(AuditEntry.id)
    return [
        {"before": json.loads(e.before or "null"), "after": json.loads(e.after or "null")}
        for e in found
    ]


def test_a_registration_records_which_holder_fields_were_set_not_their_values(world):
    card = factories.stock(world.area, world.issuer)[0]
    cards.register_card(
        card,
        birth_year=1957,
        postcode="33820",
        children=2,
        gender="female",
        life_situation="retired",
    )
    entry = entries("card.register")[-1]
    written = json.dumps(entry)
    assert "1957" not in written and "33820" not in written
    assert "female" not in written and "retired" not in written
    assert set(entry["after"]["holder_data_changed"]) == set(audit.HOLDER_FIELDS)
    assert entry["after"]["children"] == 2  # the allowance is no holder data: it stays


def test_a_change_of_children_alone_touches_no_holder_field(world):
    cards.change_children(world.card, 3)
    (entry,) = entries("card.children")
    assert entry["before"]["children"] != entry["after"]["children"] == 3
    assert "holder_data_changed" not in entry["after"]


def test_a_coordinator_reading_the_trail_sees_no_birth_year_or_postcode(app, world):
    factories.staff(world)
    card = factories.stock(world.area, world.issuer)[0]
    cards.register_card(card, birth_year=1957, postcode="33820", children=0)
    coordinator = app.test_client()
    factories.log_in(coordinator, factories.Staff.coordinator)
    page = coordinator.get("/admin/audit?action=card.register")
    assert page.status_code == 200 and "<strong>Kortti rekisteröity</strong>" in page.text
    changed = re.findall(r"<li>([^<]*)</li>", page.text)
    assert "Muuttuneet haltijatiedot: Syntymävuosi, Postinumero" in changed  # in words
    assert "holder_data_changed" not in page.text and "birth_year" not in page.text
    assert "komentorivi" in page.text and "command line" not in page.text  # the register
    assert "1957" not in page.text and "33820" not in page.text


def old_entry(days: int) -> int:
    entry = AuditEntry(
        at=utcnow() - timedelta(days=days), actor="command line", action="test", target="x"
    )
    db.session.add(entry)
    db.session.commit()
    return entry.id


def test_retention_deletes_only_what_is_older_than_it(world):
    kept, gone = old_entry(400), old_entry(2000)
    assert audit.prune(timedelta(days=1825)) == 1
    assert {e.id for e in db.session.query(AuditEntry)} >= {kept}
    assert db.session.get(AuditEntry, gone) is None


def test_retention_shorter_than_the_floor_is_refused(world):
    with pytest.raises(ValueError):
        audit.prune(timedelta(days=30))


@pytest.mark.parametrize(
    "statement",
    ["DELETE FROM audit_entry WHERE id = :id", "UPDATE audit_entry SET actor = 'x' WHERE id = :id"],
)
def test_the_database_refuses_to_change_or_delete_an_entry_under_a_year_old(world, statement):
    recent = old_entry(300)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement), {"id": recent})
    db.session.rollback()
    assert db.session.get(AuditEntry, recent) is not None


def test_the_database_lets_only_old_entries_go_and_never_changes_them(world):
    old = old_entry(400)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE audit_entry SET actor = 'x' WHERE id = :id"), {"id": old})
    db.session.rollback()
    db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": old})
    db.session.commit()
    assert db.session.get(AuditEntry, old) is None


def test_the_retention_command(app, runner, world):
    old_entry(2000)
    result = runner.invoke(args=["apply-retention"])
    assert result.exit_code == 0 and "deleted: 1" in result.output
    app.config["AUDIT_RETENTION_DAYS"] = 30
    refused = runner.invoke(args=["apply-retention"])
    assert refused.exit_code != 0 and "AUDIT_RETENTION_DAYS=30" in refused.output
