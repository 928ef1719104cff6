"""The README's screenshots: one per role, on the demo registry, on a 360 px phone in
Finnish. Run it after changing a screen: .venv/bin/python docs/screenshots.py

It builds the demo (as `make run` does) in a throw-away SQLite file, serves it, and
saves docs/screenshots/<role>.png.
"""

import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app import create_app, database  # noqa: E402
from app.core.tokens import card_url  # noqa: E402
from app.demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Card  # noqa: E402
from tests.browser.harness import launch_chromium, serve  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PHONE = {"width": 360, "height": 740}


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DEV": True,
                "SECRET_KEY": "screenshots",
                "SIGNING_KEYS": ["screenshots"],
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'demo.sqlite3'}",
            }
        )
        with app.test_request_context():
            database.upgrade()
            seed_demo()
            card = db.session.scalar(
                select(Card).where(Card.status == "active", Card.children > 0).limit(1)
            )
            link, number = card_url(card.number, card.generation), card.number
            db.session.remove()
        with serve(app) as base, sync_playwright() as playwright:
            browser = launch_chromium(playwright)

            def shoot(name, email=None, path="/", then=None):
                context = browser.new_context(
                    viewport=PHONE, locale="fi", extra_http_headers={"Accept-Language": "fi"}
                )
                page = context.new_page()
                if email:
                    page.goto(base + "/login")
                    page.fill("#email", email)
                    page.fill("#password", DEMO_PASSWORD)
                    page.click("button[type=submit].primary")
                    page.wait_for_load_state()
                page.goto(base + path)
                if then:
                    then(page)
                page.wait_for_timeout(300)
                page.screenshot(path=OUT / f"{name}.png")
                context.close()
                print(f"docs/screenshots/{name}.png")

            def scan(page):
                page.fill("#code", number)
                page.press("#code", "Enter")
                page.wait_for_selector('[data-result] [data-status="valid"]')

            shoot("cardholder", path="/k/" + link.rsplit("/k/", 1)[1])
            shoot("desk", "desk@kaiku.test", "/desk", then=scan)
            shoot("issuer", "issuer@kaiku.test", f"/issuer/cards/{number}")
            shoot("coordinator", "coordinator@kaiku.test", "/reports")
            shoot("admin", "admin@kaiku.test", "/admin/audit")
            browser.close()


if __name__ == "__main__":
    main()
