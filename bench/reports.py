"""Statistics speed on years of data, on SQLite and on PostgreSQL.

Seeds the large demo (5 years, 100,000 holders' cards, 1,000,000 uses at 500 venues;
--scale shrinks it), then prints the seconds each dashboard and export takes for
each role, through the app as a browser would call it. Goals: every dashboard
under 1 s, the national CSV export under 10 s, and exports that stream (the peak
of Python memory while streaming every use is printed).

Usage: .venv/bin/python bench/reports.py [--scale 1] [--database sqlite postgresql]
       [--sqlite-file PATH]   (reuse a seeded SQLite file, e.g. from `seed-demo --size large`)
       [--fresh]              (PostgreSQL: drop the kept kaiku_bench database and seed again)
"""

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from app import create_app, database  # noqa: E402
from app.core import accounts  # noqa: E402
from app.core.clock import local_today  # noqa: E402
from app.demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from app.demo_history import seed_history  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Card, Site, Use, User  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
ROLES = {  # who logs in: the demo's admins, and the busiest issuing site and venue
    "national admin": "admin@kaiku.test",
    "area admin": "coordinator@kaiku.test",
    "issuer": "bench-issuer@kaiku.test",
    "venue": "bench-desk@kaiku.test",
    "municipality": "tampere@kaiku.test",  # Tampere's coordinator
}


def app_for(uri: str):
    return create_app(
        {
            "TESTING": True,
            "DEV": True,  # as `make run`: the demo's admins sign in without an app's code
            "SECRET_KEY": "bench",
            "SIGNING_KEYS": ["bench"],
            "SQLALCHEMY_DATABASE_URI": uri,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )


def postgres(name: str, fresh: bool) -> str:
    """The bench's own PostgreSQL database (kept between runs unless ``fresh``)."""
    admin = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": POSTGRES.format(name="test")})
    with admin.app_context():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            if fresh:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                connection.execute(text(f"CREATE DATABASE {name}"))
        db.engine.dispose()
    return POSTGRES.format(name=name)


def seed(app, scale: float) -> None:
    with app.app_context():
        database.upgrade()
        if db.session.scalar(select(func.count()).select_from(Use)) > 100_000:
            print("  (reusing the data already in the database)")
        else:
            seed_demo()
            start = time.perf_counter()
            lines = seed_history(
                cards=int(100_000 * scale), uses=int(1_000_000 * scale), venues=500
            )
            print(f"  seeded in {time.perf_counter() - start:.0f} s: {lines[0]}")
        if db.engine.dialect.name == "postgresql":
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))  # what autovacuum does in production
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        _bench_users()


def _bench_users() -> None:
    """Staff at the busiest issuing site and venue, so that their dashboards are the
    heaviest of their kind."""
    busiest = {
        "bench-issuer@kaiku.test": ("issuer", Card.issuing_site_id, Card),
        "bench-desk@kaiku.test": ("venue", Use.venue_id, Use),
    }
    for email, (role, column, model) in busiest.items():
        if db.session.scalar(select(User).where(User.email == email)) is None:
            site_id = db.session.scalar(
                select(column)
                .select_from(model)
                .group_by(column)
                .order_by(func.count().desc())
                .limit(1)
            )
            slug = db.session.get(Site, site_id).slug
            accounts.create_user(email, role=role, password=DEMO_PASSWORD, site_slug=slug)


def timed(client, url: str, runs: int = 3) -> tuple[float, int]:
    """Median seconds for the whole response (read to its end), and its size."""
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, buffered=False)
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), size


def streamed_peak(client, url: str) -> float:
    """Peak Python memory (MB) while streaming ``url`` to its end."""
    tracemalloc.start()
    response = client.get(url, buffered=False)
    for _ in response.response:
        pass
    response.close()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def bench(app, label: str) -> None:
    today = local_today()
    this_year = f"start={today.year}-01-01&end={today}"
    last_year = f"start={today.year - 1}-01-01&end={today.year - 1}-12-31"
    five_years = f"start={today.year - 4}-01-01&end={today}"
    print(f"\n{label}: seconds (median of 3), the whole response read")
    for role, email in ROLES.items():
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert not response.location.startswith("/login"), (email, response.location)
        rows = [
            ("dashboard, this year so far", f"/reports?{this_year}"),
            ("dashboard, last year", f"/reports?{last_year}"),
            ("dashboard, 5 years", f"/reports?{five_years}"),
            ("months CSV, 5 years", f"/reports/months.csv?{five_years}"),
        ]
        if role in ("national admin", "area admin", "municipality"):
            rows += [
                ("holders page, this year so far", f"/reports/holders?{this_year}"),
                ("holders page, 5 years", f"/reports/holders?{five_years}"),
            ]
        if role in ("national admin", "municipality"):
            last = today.year - 1
            rows += [
                ("municipality report, last year", f"/reports/municipality/837?year={last}"),
                ("municipality report PDF", f"/reports/municipality/837.pdf?year={last}"),
            ]
        if role.endswith("admin"):
            rows += [
                ("wellbeing answers, this year", "/reports/wellbeing"),
                ("wellbeing answers, last year", f"/reports/wellbeing?year={today.year - 1}"),
                ("wellbeing answers as published", "/reports/wellbeing?publish=1"),
                ("national yearly table", "/reports/years"),
                ("national table as published", "/reports/years?publish=1"),
                ("national table, Excel for publishing", "/reports/national.xlsx?publish=1"),
                ("yearly table CSV for publishing", "/reports/yearly.csv?publish=1"),
                ("every use CSV, last year", f"/reports/uses.csv?{last_year}"),
                ("every use CSV, 5 years", f"/reports/uses.csv?{five_years}"),
            ]
        for name, url in rows:
            seconds, size = timed(client, url, runs=1 if "every use" in name else 3)
            print(f"  {role:15} {name:35} {seconds:6.2f} s  {size / 1e6:6.2f} MB")
        if role == "national admin":
            peak = streamed_peak(client, f"/reports/uses.csv?{five_years}")
            print(f"  {role:15} {'memory peak, every use CSV, 5 years':35} {peak:6.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--sqlite-file")
    parser.add_argument("--fresh", action="store_true", help="seed PostgreSQL afresh")
    options = parser.parse_args()
    for engine in options.database:
        with tempfile.TemporaryDirectory() as folder:
            if engine == "sqlite":
                path = options.sqlite_file or Path(folder) / "reports.sqlite3"
                uri = f"sqlite:///{path}"
            else:
                try:
                    uri = postgres("kaiku_bench", options.fresh)
                except OperationalError as error:
                    print(f"postgresql: skipped, no server ({error.orig})")
                    continue
            print(f"{engine}: {uri}")
            app = app_for(uri)
            seed(app, options.scale)
            bench(app, engine)
            with app.app_context():
                db.engine.dispose()
    print(f"\n(run on {date.today()}; goals: dashboards < 1 s, national CSV < 10 s)")


if __name__ == "__main__":
    main()
