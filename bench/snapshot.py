"""The desks' offline snapshot (GET /api/v1/snapshot): its size and the time to build it.

Fills a fresh SQLite registry with valid cards (a few children, a few community cards,
one in fifty blocked, one in a hundred on its second code) and prints, for each size,
the bytes a desk downloads (JSON, and gzipped as a compressing proxy sends it), the
entries in it, the server's time to build it, and the bytes of a refresh that finds
nothing changed (304). Goal: 100,000 cards in under 2 MB.

Usage: .venv/bin/python bench/snapshot.py [--cards 15000 100000]
"""

import argparse
import gzip
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from app import database  # noqa: E402
from app.core import accounts, numbers  # noqa: E402
from app.core.clock import local_today, utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Card  # noqa: E402
from bench.reports import app_for  # noqa: E402


def fill(count: int) -> str:
    """A venue's API key, after ``count`` cards are in the registry."""
    area = accounts.create_area("PIR", "Pirkanmaa")
    issuer = accounts.create_site("issuer", "Issuer", area_code="PIR", kind="issuer")
    accounts.create_site("theatre", "Theatre", area_code="PIR", kind="venue", category="culture")
    today, now = local_today(), utcnow()
    rows = [
        {
            "number": numbers.generate(),
            "home_area_id": area.id,
            "issuing_site_id": issuer.id,
            "status": "blocked" if n % 50 == 0 else "active",
            "kind": "community" if n % 200 == 0 else "personal",
            "client_cap": 10 if n % 200 == 0 else None,
            "children": n % 4 if n % 3 == 0 else 0,
            "valid_from": today - timedelta(days=n % 300),
            "valid_until": today - timedelta(days=n % 300) + timedelta(days=365),
            "generation": 2 if n % 100 == 0 else 1,
            "created_at": now,
            "registered_at": now,
        }
        for n in range(count)
    ]
    db.session.execute(insert(Card), rows)
    db.session.commit()
    _, key = accounts.create_api_key("theatre")
    return key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, nargs="+", default=[15_000, 100_000])
    options = parser.parse_args()
    print(
        f"{'cards':>8} {'entries':>8} {'JSON bytes':>11} {'gzipped':>10} "
        f"{'build s':>8} {'304 bytes':>9}"
    )
    for count in options.cards:
        with tempfile.TemporaryDirectory() as folder:
            app = app_for(f"sqlite:///{folder}/snapshot.sqlite3")
            with app.app_context():
                database.upgrade()
                key = fill(count)
                client = app.test_client()
                headers = {"Authorization": f"Bearer {key}"}
                timings = []
                for _ in range(3):
                    start = time.perf_counter()
                    response = client.get("/api/v1/snapshot", headers=headers)
                    timings.append(time.perf_counter() - start)
                body = response.get_data()
                entries = sum(len(g["entries"]) // 16 for g in response.get_json()["groups"])
                again = client.get(
                    "/api/v1/snapshot",
                    headers={**headers, "If-None-Match": response.headers["ETag"]},
                )
                assert again.status_code == 304, again.status_code
                unchanged = len(again.get_data()) + sum(
                    len(k) + len(v) + 4 for k, v in again.headers.items()
                )
                print(
                    f"{count:>8,} {entries:>8,} {len(body):>11,} {len(gzip.compress(body)):>10,} "
                    f"{min(timings):>8.2f} {unchanged:>9,}"
                )
                db.engine.dispose()


if __name__ == "__main__":
    main()
