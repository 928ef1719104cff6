"""Every route x every role: allowed or refused. A new route without an entry fails here."""

import re

import pytest

from tests import factories

ANYONE = {"anonymous", "admin", "issuer", "venue", "municipality"}
STAFF = {"admin", "issuer", "venue", "municipality"}
TWO_STEP = {"admin", "issuer", "municipality"}  # who may turn on a second factor
ACCESS = {
    "static": ANYONE,
    "public.index": ANYONE,
    "public.set_language": ANYONE,
    "cardholder.card": ANYONE,
    "cardholder.status": ANYONE,
    "cardholder.print_card": ANYONE,
    "cardholder.manifest": ANYONE,
    "cardholder.service_worker": ANYONE,
    "questions.answer": ANYONE,  # the one-time link is the secret
    "public.accessibility": ANYONE,
    "public.privacy": ANYONE,
    "health.healthz": ANYONE,
    "health.readyz": ANYONE,
    "auth.login": ANYONE,
    "auth.reset": ANYONE,
    "auth.code": ANYONE,  # without a right password first: back to the login page
    "auth.first_setup": ANYONE,
    "auth.two_step": TWO_STEP,
    "auth.setup": TWO_STEP,
    "auth.recovery_codes": TWO_STEP,
    "auth.turn_off": TWO_STEP,
    "auth.logout": STAFF,
    "auth.change_password": STAFF,
    "desk.index": {"venue"},
    "desk.check": {"venue"},
    "desk.record": {"venue"},
    "desk.undo": {"venue"},
    "desk.device_uses": {"venue"},
    "desk.events": {"venue"},
    "desk.edit_event": {"venue"},
    "desk.delete_event": {"venue"},
    "desk.late": {"venue"},
    "desk.service_worker": {"venue"},
    "api.verify": {"venue"},
    "api.record": {"venue"},
    "api.undo": {"venue"},
    "api.offline_snapshot": {"venue"},
    "api.uses": {"venue"},
    "api.events": {"venue"},
    "api.create_event": {"venue"},
    "api.openapi_document": ANYONE,
    "api.reference": ANYONE,
    "issuer.index": {"issuer"},
    "issuer.find": {"issuer"},
    "issuer.register": {"issuer"},
    "issuer.card": {"issuer"},
    "issuer.renew": {"issuer"},
    "issuer.children": {"issuer"},
    "issuer.block": {"issuer"},
    "issuer.unblock": {"issuer"},
    "issuer.uses_printout": {"issuer"},
    "issuer.receipt": {"issuer"},
    "issuer.correct": {"issuer"},
    "issuer.remove_data": {"issuer"},
    "issuer.replace": {"issuer"},
    "issuer.print_card": {"issuer"},
    "issuer.questions": {"issuer"},
    "issuer.answer_questions": {"issuer"},
    "issuer.questions_link": {"issuer"},
    "issuer.decline_questions": {"issuer"},
    "issuer.forget_answers": {"issuer"},
    "admin.index": {"admin"},
    "admin.areas": {"admin"},
    "admin.sites": {"admin"},
    "admin.site": {"admin"},
    "admin.close_site": {"admin"},
    "admin.reopen_site": {"admin"},
    "admin.area": {"admin"},
    "admin.late": {"admin"},
    "admin.edit_event": {"admin"},
    "admin.delete_event": {"admin"},
    "admin.municipality_list": {"admin"},
    "admin.join_network": {"admin"},
    "admin.leave_network": {"admin"},
    "admin.load_classification": {"admin"},
    "admin.load_population": {"admin"},
    "admin.imports_page": {"admin"},  # a national admin's (tests/admin/test_imports.py)
    "admin.import_sample": {"admin"},
    "admin.upload_import": {"admin"},
    "admin.run_import": {"admin"},
    "admin.refused_rows": {"admin"},
    "admin.discard_import": {"admin"},
    "admin.save_mapping": {"admin"},
    "admin.users": {"admin"},
    "admin.reset_password": {"admin"},
    "admin.set_active": {"admin"},
    "admin.api_keys": {"admin"},
    "admin.revoke_key": {"admin"},
    "admin.events": {"admin"},
    "admin.stock": {"admin"},
    "admin.batch_pdf": {"admin"},
    "admin.batch_csv": {"admin"},
    "admin.audit_log": {"admin"},
    "admin.wellbeing_versions": {"admin"},  # a national admin's (tests/admin/test_wellbeing.py)
    "admin.new_wellbeing_version": {"admin"},
    "admin.wellbeing_version": {"admin"},
    "admin.wellbeing_question": {"admin"},
    "admin.change_wellbeing_question": {"admin"},
    "admin.publish_wellbeing_version": {"admin"},
    "admin.delete_wellbeing_version": {"admin"},
    "reports.index": STAFF,
    "reports.table_csv": STAFF,
    "reports.table_xlsx": STAFF,
    "reports.municipality_index": {"admin", "municipality"},
    "reports.municipality": {"admin", "municipality"},
    "reports.municipality_pdf": {"admin", "municipality"},
    "reports.years": {"admin"},
    "reports.holders": {"admin", "municipality"},
    "reports.uses_csv": {"admin"},
    "reports.wellbeing_answers": {"admin"},
    "reports.wellbeing_table": {"admin"},
}
ROLE_EMAILS = {
    "admin": factories.Staff.national,
    "issuer": factories.Staff.issuer,
    "venue": factories.Staff.desk,
    "municipality": factories.Staff.municipality,
}


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ACCESS.keys() == set(), "add the new route to ACCESS"
    assert ACCESS.keys() - endpoints == set(), "remove the old route from ACCESS"


def sample_url(rule, world) -> str:
    values = {
        "number": world.card.number,
        "slug": world.venue.slug,
        "token": "x",
        "code": "en",
        "filename": "css/kaiku.css",
        "path": "x",
        "kind": "cards",
    }
    path = rule.rule
    for name in rule.arguments:
        value = values.get(name, "999999")  # ids that do not exist: 404 is "allowed"
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
    return path


@pytest.mark.parametrize("role", sorted(ANYONE))
def test_each_role_gets_exactly_its_routes(app, world, role):
    factories.staff(world)
    factories.municipality_staff(world)
    session = None
    if role != "anonymous":
        client = app.test_client()
        factories.log_in(client, ROLE_EMAILS[role])
        session = client.get_cookie("session").value
    wrong = []
    last = "auth.logout"  # it ends the session on the server: every other route first
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == last):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            client = app.test_client()  # fresh each time, with the session's cookie
            if session:
                client.set_cookie("session", session)
            response = client.open(sample_url(rule, world), method=method)
            refused = response.status_code in (401, 403) or (
                response.status_code == 302 and "/login?next=" in response.location
            )
            allowed = role in ACCESS[rule.endpoint]
            if allowed == refused:
                wrong.append((method, rule.rule, response.status_code))
    assert wrong == []
