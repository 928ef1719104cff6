"""National admins import the earlier registry: a file is checked and shown first, then
imported whole or only its valid rows; mappings of another export are saved and used."""

import io
from datetime import timedelta

from sqlalchemy import select, update

from app.core import imports
from app.core.clock import utcnow
from app.extensions import db
from app.models import Card, ImportMapping, ImportUpload

HEADER = "id;status;registered;valid_until;children;birth_year;postcode;municipality;site;area"
ROWS = [
    "KK-0001234;active;2025-03-14;2030-03-13;2;1984;33100;;issuer;PIR",
    "KK-0001235;blocked;2025-03-14;2030-03-13;0;1960;33200;;issuer;PIR",
]
BAD = "KK-0001236;active;2025-03-14;2030-03-13;0;1960;332;;issuer;PIR"


def upload(client, *rows, header=HEADER, kind="cards", mapping="", language="en"):
    data = "\n".join([header, *rows]).encode()
    return client.post(
        "/admin/import",
        data={"kind": kind, "mapping": mapping, "file": (io.BytesIO(data), "export.csv")},
        content_type="multipart/form-data",
        headers={"Accept-Language": language},
    )


def imported() -> list[str]:
    db.session.expire_all()
    query = select(Card.legacy_id).where(Card.legacy_id.is_not(None)).order_by(Card.legacy_id)
    return list(db.session.scalars(query))


def kept_upload() -> ImportUpload | None:
    db.session.expire_all()
    return db.session.scalar(select(ImportUpload))


def test_a_file_is_shown_first_then_imported(admin):
    preview = upload(admin, *ROWS)

    assert preview.status_code == 200
    assert "new 2, updated 0, unchanged 0, conflicts 0, refused 0" in preview.text
    assert imported() == [] and kept_upload() is not None

    done = admin.post(
        f"/admin/import/{kept_upload().id}",
        follow_redirects=True,
        headers={"Accept-Language": "en"},
    )

    assert done.status_code == 200 and "Imported." in done.text
    assert imported() == ["KK-0001234", "KK-0001235"]
    assert kept_upload() is None  # its holders' data is not kept any longer than needed


def test_refused_rows_are_listed_with_why_and_can_be_left_out(admin):
    preview = upload(admin, *ROWS, BAD)
    assert "KK-0001236" in preview.text and "Postcode: give five digits." in preview.text
    assert "Import only the valid rows" in preview.text
    upload_id = kept_upload().id

    refused = admin.get(f"/admin/import/{upload_id}/refused.csv")
    assert refused.text.splitlines()[1].startswith(BAD + ";")

    whole = admin.post(f"/admin/import/{upload_id}")
    assert whole.status_code == 422 and imported() == []
    admin.post(f"/admin/import/{upload_id}", data={"skip_invalid": "yes"})
    assert imported() == ["KK-0001234", "KK-0001235"]


def test_the_report_is_in_the_admins_language(admin):
    preview = upload(admin, BAD, language="sv")
    assert "Postnummer" in preview.text


def test_a_file_with_other_columns_is_refused_before_anything(admin):
    response = upload(admin, ROWS[0] + ";Maija Meikäläinen", header=HEADER + ";nimi")
    assert response.status_code == 422 and "no names or identity data" in response.text
    assert imported() == [] and kept_upload() is None  # the names were never kept


def test_a_file_the_reader_cant_read_is_refused_and_not_kept(admin):
    response = upload(admin, '"never closed;' + "x" * 200_000)
    assert response.status_code == 422 and "Line 2" in response.text
    assert kept_upload() is None


def test_a_saved_mapping_reads_another_export(admin):
    saved = admin.post(
        "/admin/import/mappings",
        data={"name": "Vanha", "column-id": "Kortti", "status-active": "Voimassa, OK"},
        follow_redirects=True,
    )
    assert saved.status_code == 200
    mapping = db.session.scalar(select(ImportMapping))
    assert imports.mapping_of(mapping).statuses == {"voimassa": "active", "ok": "active"}

    row = ROWS[0].replace("active", "Voimassa")
    upload(admin, row, header=HEADER.replace("id;", "Kortti;"), mapping=str(mapping.id))
    admin.post(f"/admin/import/{kept_upload().id}")
    assert imported() == ["KK-0001234"]


def test_a_large_export_fits_where_forms_do_not(admin):
    rows = [
        f"Q{n:07d};active;2025-03-14;2030-03-13;0;1980;33100;;issuer;PIR" for n in range(25_000)
    ]
    assert len("\n".join(rows)) > 1024 * 1024
    assert upload(admin, *rows).status_code == 200
    big_form = admin.post("/admin/sites", data={"name": "x" * 2 * 1024 * 1024})
    assert big_form.status_code == 413


def test_only_national_admins_import(coordinator):
    assert coordinator.get("/admin/import").status_code == 403
    refused = upload(coordinator, *ROWS)
    assert refused.status_code == 403 and "Import the earlier registry" not in refused.text
    assert imported() == [] and kept_upload() is None


def test_an_upload_not_imported_is_deleted_after_a_day(admin, runner):
    upload(admin, *ROWS)
    db.session.execute(update(ImportUpload).values(uploaded_at=utcnow() - timedelta(days=2)))
    db.session.commit()

    result = runner.invoke(args=["apply-retention"])

    assert "Import files not imported within a day, deleted: 1." in result.output
    assert kept_upload() is None


def test_discarding_keeps_nothing(admin):
    upload(admin, *ROWS)
    admin.post(f"/admin/import/{kept_upload().id}/discard")
    assert kept_upload() is None and imported() == []
