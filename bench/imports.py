"""Import speed: the old registry's export of N cards (default 100,000) and as many past
uses, through app.core.imports as `cards import` and `uses import` run them, on a fresh
SQLite database (and PostgreSQL with --database postgresql). Prints seconds to check the
file (a dry run), to import it, to import it again (nothing changes) and the same for the
uses; then the rows in the database.

Usage: .venv/bin/python bench/imports.py [--rows 100000] [--database sqlite postgresql]
"""

import argparse
import random
import string
import sys
import tempfile
import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from app import create_app, database  # noqa: E402
from app.core import imports, numbers  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Card, Use  # noqa: E402
from tests import factories  # noqa: E402
from tests.serving.server import POSTGRES_ADMIN, fresh_database, postgres_answers  # noqa: E402


def old_ids(count: int) -> list[str]:
    """Made-up IDs as an old registry prints them, none a valid Kaiku number."""
    rng, found = random.Random(15), set()
    while len(found) < count:
        old = rng.choice(string.ascii_uppercase) + "".join(rng.choices(string.digits, k=7))
        if not numbers.is_valid(old):
            found.add(old)
    return [f"{old[:2]}-{old[2:]}" for old in sorted(found)]


def export(count: int) -> tuple[bytes, bytes]:
    """A cards file and a uses file (one use per card) in Kaiku's import format."""
    rng = random.Random(2026)
    cards = ["id;status;registered;valid_until;children;birth_year;postcode;municipality;site;area"]
    uses = ["date;card;venue;category;adults;children"]
    start = date(2016, 1, 1)
    for old in old_ids(count):
        registered = start + timedelta(days=rng.randrange(3600))
        status = rng.choice(("active", "active", "active", "blocked", "expired"))
        until = registered + timedelta(days=364)
        if status != "expired":
            until = max(until, date(2027, 1, 1))
        children = rng.randrange(4)
        cards.append(
            f"{old};{status};{registered};{until};{children};{rng.randrange(1940, 2005)};"
            f"{rng.randrange(10000, 99999)};;issuer;PIR"
        )
        used = registered + timedelta(days=rng.randrange(1, 300))
        if used < date(2026, 11, 1):
            venue = rng.choice(("theatre", "museum", "college"))
            uses.append(f"{used};{old};{venue};;1;{0 if venue == 'college' else children}")
    return "\n".join(cards).encode(), "\n".join(uses).encode()


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def bench(url: str, cards_file: bytes, uses_file: bytes) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SIGNING_KEYS": ["bench"],
            "SQLALCHEMY_DATABASE_URI": url,
        }
    )
    with app.test_request_context():
        database.upgrade()
        factories.world()
        files = (
            ("cards", imports.import_cards, cards_file),
            ("uses", imports.import_uses, uses_file),
        )
        steps = (("check (dry run)", {"dry_run": True}), ("import", {}), ("import again", {}))
        for label, load, data in files:
            for step, options in steps:
                report, seconds = timed(partial(load, data, **options))
                print(
                    f"  {label:5} {step:16} {seconds:6.1f} s   rows {report.rows:,}  "
                    f"new {report.added:,}  unchanged {report.unchanged:,}  "
                    f"refused {len(report.refused):,}",
                    flush=True,
                )
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        print(f"  in the database: {count(Card):,} cards, {count(Use):,} uses")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgresql"])
    options = parser.parse_args()
    cards_file, uses_file = export(options.rows)
    uses = uses_file.count(b"\n")
    print(f"Export: {options.rows:,} cards ({len(cards_file) / 1e6:.1f} MB), {uses:,} uses")
    for name in options.database:
        if name == "postgresql" and not postgres_answers():
            print("postgresql: not answering, skipped")
            continue
        print(name)
        with tempfile.TemporaryDirectory() as folder:
            with fresh_database(
                Path(folder), POSTGRES_ADMIN if name == "postgresql" else None
            ) as url:
                bench(url, cards_file, uses_file)


if __name__ == "__main__":
    main()
