"""National admins keep the wellbeing questions' versions."""

import pytest
from sqlalchemy import select

from app.core import wellbeing
from app.extensions import db
from app.models import AuditEntry, WellbeingSet
from tests import factories


def form(text="Käykö?", answers=("Kyllä", "Ei")) -> dict:
    return {
        **{f"text_{language}": f"{text} ({language})" for language in wellbeing.LANGUAGES},
        **{f"options_{language}": "\n".join(answers) for language in wellbeing.LANGUAGES},
    }


@pytest.fixture
def admin(admin):
    return factories.in_english(admin)


@pytest.fixture
def coordinator(coordinator):
    return factories.in_english(coordinator)


def versions() -> list[tuple[int, str, int]]:
    db.session.expire_all()
    found = db.session.scalars(select(WellbeingSet).order_by(WellbeingSet.version))
    return [(v.version, v.state, len(v.questions)) for v in found]


def test_a_first_version_written_and_put_in_use(admin):
    assert "No questions yet" in admin.get("/admin/wellbeing").text
    response = admin.post("/admin/wellbeing")
    assert response.location == "/admin/wellbeing/1"
    page = admin.get("/admin/wellbeing/1").text
    assert "A draft" in page and "Add a question" in page
    response = admin.post("/admin/wellbeing/1/questions/new", data=form())
    assert response.status_code == 302
    page = admin.get("/admin/wellbeing/1").text
    assert "1. Käykö? (en)" in page and "<li>Kyllä</li>" in page
    refused = admin.post("/admin/wellbeing/1/publish")
    assert refused.status_code == 422 and "Tick the box" in refused.text
    assert (
        admin.post("/admin/wellbeing/1/publish", data={"publish-confirm": "yes"}).status_code == 302
    )
    assert versions() == [(1, "in_use", 1)]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["wellbeing.draft", "wellbeing.question", "wellbeing.publish"]


def test_a_question_with_mistakes_is_shown_again_with_each_one(admin):
    admin.post("/admin/wellbeing")
    data = {**form(), "text_sv": "", "options_en": "Only one"}
    response = admin.post("/admin/wellbeing/1/questions/new", data=data)
    assert response.status_code == 422
    assert "Question in Swedish: this is required." in response.text
    assert "Answers in English: give from 2 to 7 answers, one a line." in response.text
    assert 'id="text_sv"' in response.text and 'aria-invalid="true"' in response.text
    assert "Käykö? (fi)" in response.text  # what was typed stays
    assert versions() == [(1, "draft", 0)]


def test_the_version_in_use_is_only_replaced(admin, world):
    factories.question_set()
    question = wellbeing.in_use().questions[0]
    page = admin.get("/admin/wellbeing/1").text
    assert "Add a question" not in page and "never changed" in page
    response = admin.post(f"/admin/wellbeing/1/questions/{question.id}", data=form())
    assert response.status_code == 409 and "make a new version" in response.text
    assert admin.post(f"/admin/wellbeing/1/questions/{question.id}/delete").status_code == 409
    admin.post("/admin/wellbeing")
    satisfied, lonely = (q.id for q in wellbeing.find_version(2).questions)
    admin.post(f"/admin/wellbeing/2/questions/{lonely}/up")
    admin.post(f"/admin/wellbeing/2/questions/{satisfied}/delete")
    admin.post("/admin/wellbeing/2/publish", data={"publish-confirm": "yes"})
    assert versions() == [(1, "replaced", 2), (2, "in_use", 1)]
    assert wellbeing.in_use().questions[0].text("en") == "Do you feel lonely?"


def test_a_draft_can_be_thrown_away(admin, world):
    admin.post("/admin/wellbeing")
    assert admin.post("/admin/wellbeing/1/delete").location == "/admin/wellbeing"
    assert versions() == []


def test_only_national_admins(coordinator, world):
    for path in ("/admin/wellbeing", "/admin/wellbeing/1"):
        assert coordinator.get(path).status_code == 403
    assert coordinator.post("/admin/wellbeing").status_code == 403
    assert versions() == []


def test_no_such_version_or_question(admin, world):
    factories.question_set(publish=False)
    for path in (
        "/admin/wellbeing/9",
        "/admin/wellbeing/x",
        "/admin/wellbeing/99999999999",
        "/admin/wellbeing/1/questions/999",
    ):
        assert admin.get(path).status_code == 404
    assert admin.post("/admin/wellbeing/1/questions/999/up").status_code == 404
