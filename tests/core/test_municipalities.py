"""Municipalities: the shipped list, loading Statistics Finland's file, networks and the
holder's home municipality at registration."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.core import accounts, cards, municipalities
from app.core.exceptions import Conflict, Forbidden, InvalidInput
from app.extensions import db
from app.models import AuditEntry, Card, Municipality
from tests import factories

KEY_FILE = (  # Statistics Finland's key file: semicolons, capitals, a code that lost its zeros
    "KUNTA;KUNTANIMIFI;KUNTANIMISV;KUNTANIMIEN;HYVINVOINTIALUE;HYVINVOINTIALUENIMIFI;"
    "HYVINVOINTIALUENIMISV\n"
    "837;Tampere;Tammerfors;Tampere;06;Pirkanmaan hyvinvointialue;Birkalands välfärdsområde\n"
    "91;Helsinki;Helsingfors;Helsinki;;;\n"
)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Municipality))


class TestTheShippedList:
    def test_it_says_where_it_comes_from_and_when(self):
        notes = [
            line for line in municipalities.SHIPPED.read_text().splitlines() if line.startswith("#")
        ]
        assert "Statistics Finland" in " ".join(notes)
        assert "2025-01-01" in " ".join(notes)

    def test_a_new_registry_gets_it_once(self, ctx):
        loaded = municipalities.load_shipped()
        assert loaded == count() >= 30
        assert municipalities.find("837").name_sv == "Tammerfors"
        assert municipalities.find("91").name_fi == "Helsinki"  # "091", as spreadsheets drop it
        assert municipalities.load_shipped() == 0  # a loaded list is never loaded over

    def test_every_municipality_the_demo_uses_is_in_it(self, ctx):
        from app.demo_history import AREAS

        municipalities.load_shipped()
        for _, _, members in AREAS:
            for code in members:
                assert municipalities.find(code)


class TestLoadingAClassificationFile:
    def test_the_key_file_is_read_with_its_own_column_names(self, ctx):
        rows = municipalities.read_classification(KEY_FILE.encode("cp1252"))
        assert rows[0].code == "837" and rows[0].name_sv == "Tammerfors"
        assert rows[0].wellbeing_area_fi == "Pirkanmaan hyvinvointialue"
        assert rows[1].code == "091" and rows[1].wellbeing_area_fi is None

    def test_commas_and_english_headers_too(self, ctx):
        rows = municipalities.read_classification(b"code,name_fi,name_sv\n049,Espoo,Esbo\n")
        assert [(row.code, row.name_sv) for row in rows] == [("049", "Esbo")]

    def test_a_preview_changes_nothing_and_names_what_would(self, ctx):
        municipalities.load_shipped()
        before = count()
        renamed = KEY_FILE.replace("Tampere;Tammerfors", "Tampere;Tammerfors stad")
        changes = municipalities.compare(
            municipalities.read_classification((renamed + "999;Uusikunta;Nykommun;;;;\n").encode())
        )
        assert [row.code for row in changes.added] == ["999"]
        assert [m.code for m, _ in changes.changed] == ["837"]
        assert changes.unchanged == 1 and len(changes.missing) == before - 2
        assert count() == before and municipalities.find("837").name_sv == "Tammerfors"

    def test_loading_adds_and_renames_and_keeps_networks_and_the_missing(self, world):
        municipalities.load_shipped()
        factories.network(world.area, "837")
        before = count()
        renamed = KEY_FILE.replace("Tampere;Tammerfors", "Tampere;Tammerfors stad")
        changes = municipalities.load_classification(
            (renamed + "999;Uusikunta;Nykommun;;;;\n").encode()
        )
        assert len(changes.added) == 1 and count() == before + 1
        tampere = municipalities.find("837")
        assert tampere.name_sv == "Tammerfors stad" and tampere.area_id == world.area.id
        assert municipalities.find("049")  # not in the file: kept
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.action == "municipalities.load" and '"999"' in entry.after

    @pytest.mark.parametrize(
        "data, says",
        [
            (b"", "empty"),
            (b"kunta;nimi\n837;Tampere\n", "name_sv"),
            (b"code;name_fi;name_sv\nabc;X;Y\n", "Line 2"),
            (b"code;name_fi;name_sv\n837;Tampere;Tammerfors\n837;Tampere;Tammerfors\n", "again"),
            (b"code;name_fi;name_sv\n837;;Tammerfors\n", "Line 2"),
        ],
    )
    def test_a_bad_file_loads_nothing_and_says_why(self, ctx, data, says):
        with force_locale("en"), pytest.raises(InvalidInput) as refused:
            municipalities.load_classification(data)
        with force_locale("en"):
            assert says in str(refused.value.message)
        assert count() == 0

    def test_only_a_national_admin_loads_it(self, world):
        coordinator = accounts.create_user(
            "area@kaiku.fi", role="admin", password=factories.PASSWORD, area_code="PIR"
        )
        with pytest.raises(Forbidden):
            municipalities.load_classification(KEY_FILE.encode(), coordinator)
        with pytest.raises(Forbidden):
            municipalities.join_network(world.area, "837", "2020-01-01", coordinator)
        assert count() == 0


class TestNetworks:
    def test_a_municipality_is_in_its_network_from_the_day_it_joined(self, world):
        municipalities.load_shipped()
        tomorrow = factories.today() + timedelta(days=1)
        municipalities.join_network(world.area, "536", tomorrow.isoformat())
        nokia = municipalities.find("536")
        assert not municipalities.in_network(nokia)
        assert municipalities.in_network(nokia, on=tomorrow)
        assert nokia not in municipalities.in_networks()

    def test_one_network_at_a_time_and_leaving_is_audited(self, world):
        municipalities.load_shipped()
        factories.network(world.area, "837")
        other = accounts.create_area("UUS", "Uusimaa")
        with pytest.raises(Conflict):
            municipalities.join_network(other, "837", "2020-01-01")
        municipalities.leave_network(municipalities.find("837"))
        assert municipalities.find("837").area_id is None
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert {"municipality.join", "municipality.leave"} <= set(actions)


class TestTheHoldersHomeMunicipality:
    def test_it_is_the_issuing_sites_unless_chosen(self, world):
        municipalities.load_shipped()
        factories.network(world.area, "837", "536")
        accounts.update_site(world.issuer, world.issuer.name, municipality="837")
        [first, second] = factories.stock(world.area, world.issuer, 2)
        factories.register(first)
        factories.register(second, municipality="536")
        assert (first.municipality_code, second.municipality_code) == ("837", "536")

    def test_it_must_be_in_a_network_and_nothing_is_registered_otherwise(self, world):
        municipalities.load_shipped()
        factories.network(world.area, "837")
        [card] = factories.stock(world.area, world.issuer)
        with pytest.raises(InvalidInput) as refused:
            factories.register(card, municipality="091")  # Helsinki: in no network here
        assert refused.value.field == "municipality"
        db.session.refresh(card)
        assert card.status == "unregistered" and card.municipality_code is None

    def test_a_site_outside_the_networks_gives_no_default(self, world):
        municipalities.load_shipped()
        accounts.update_site(world.issuer, world.issuer.name, municipality="091")
        [card] = factories.stock(world.area, world.issuer)
        with pytest.raises(InvalidInput):
            factories.register(card)

    def test_without_any_municipality_the_card_is_registered_without(self, world):
        [card] = factories.stock(world.area, world.issuer)
        factories.register(card)
        assert card.status == "active" and card.municipality_code is None

    def test_a_replacement_keeps_it_and_a_move_changes_it(self, world):
        municipalities.load_shipped()
        factories.network(world.area, "837", "536")
        [card, new] = factories.stock(world.area, world.issuer, 2)
        factories.register(card, municipality="837")
        cards.replace_card(card, new)
        assert new.municipality_code == "837"
        cards.correct_registration(new, birth_year=1980, postcode="33100", municipality="536")
        assert new.municipality_code == "536"

    def test_keeping_a_municipality_that_left_its_network_is_no_move(self, world):
        municipalities.load_shipped()
        factories.network(world.area, "837")
        [card] = factories.stock(world.area, world.issuer)
        factories.register(card, municipality="837")
        municipalities.leave_network(municipalities.find("837"))
        cards.correct_registration(card, birth_year=1981, postcode="33100", municipality="837")
        assert (card.birth_year, card.municipality_code) == (1981, "837")


def test_cards_get_their_issuing_sites_municipality_after_an_upgrade(world):
    """Cards registered before municipalities existed, then the admin gives the site one."""
    municipalities.load_shipped()
    [unregistered] = factories.stock(world.area, world.issuer)
    accounts.update_site(world.issuer, world.issuer.name, municipality="837")
    assert municipalities.fill_cards_from_sites() == 1  # world.card, registered
    db.session.refresh(world.card)
    assert world.card.municipality_code == "837"
    assert unregistered.municipality_code is None
    assert municipalities.fill_cards_from_sites() == 0
    assert (
        db.session.scalar(
            select(AuditEntry.after).where(AuditEntry.action == "cards.fill_municipalities")
        )
        == '{"cards": 1}'
    )


def test_registrations_by_municipality_count_the_unknown_apart(world):
    municipalities.load_shipped()
    factories.network(world.area, "837")
    [card] = factories.stock(world.area, world.issuer)
    factories.register(card, municipality="837")
    from app.core import stats
    from app.core.access import Viewer
    from app.models import User

    admin = User(role="admin", area_id=None, site_id=None)
    rows = stats.registrations(Viewer.of(admin), stats.year_to_date())
    counted = {row.municipality_code: row.registered for row in rows}
    assert counted == {"837": 1, None: 1}
    assert db.session.scalar(select(func.count()).select_from(Card)) == 2


def test_joined_on_must_be_a_date(world):
    municipalities.load_shipped()
    with pytest.raises(InvalidInput) as refused:
        municipalities.join_network(world.area, "837", "next week")
    assert refused.value.errors == {"joined_on": refused.value.errors["joined_on"]}
    assert municipalities.find("837").joined_on is None
