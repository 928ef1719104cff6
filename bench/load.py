"""Recording speed under load: POST /api/v1/uses through gunicorn, as venues' systems send
them, beside the bare JSON endpoint GET /healthz on the same server.

For each database (a fresh SQLite file; a fresh PostgreSQL database when PostgreSQL answers
at 127.0.0.1:5432) and each server (gunicorn.conf.py with 2 sync workers, then 2 workers x
4 threads), records uses with 1, 8 and 16 concurrent clients on distinct cards, then runs
10 rounds of 16 clients racing for one card. Prints requests per second, latency
percentiles, the server's CPU time per request (its workers' utime + stime from /proc,
before and after; the database server's own CPU is not in it) and the clients' (to show
they cost little next to it), and the 5xx answers (and connections that broke); then
checks that the database holds exactly the uses that got 201 and one use per raced card.
Figures are printed, never asserted.

Each client is a process of its own with one keep-alive connection (sync workers close it
after each answer, so there it connects for each request), released together.

Usage: .venv/bin/python bench/load.py [--quick] [--database sqlite postgresql]
       [--server "sync 2" "gthread 2x4"] [--clients 1 8 16] [--no-race]
"""

import argparse
import http.client
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select  # noqa: E402

from app.models import MonthlyUses, Site, Use  # noqa: E402
from tests.serving.server import (  # noqa: E402
    POSTGRES_ADMIN,
    Registry,
    Settings,
    fresh_database,
    postgres_answers,
    seed,
    serve,
)

CLIENTS = (1, 8, 16)
SERVERS = {  # name: (workers, threads per worker)
    "sync 2": (2, 1),
    "gthread 2x4": (2, 4),
}
RACE_ROUNDS, RACERS = 10, 16
USES = "POST /api/v1/uses"
HEALTH = "GET /healthz"
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


@dataclass
class Phase:
    """What the clients of one phase got back."""

    label: str
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    created: list[dict] = field(default_factory=list)  # the bodies of 201 answers
    refusals: Counter = field(default_factory=Counter)  # 409 statuses
    server_ms: float = 0.0
    client_ms: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def errors(self) -> int:
        """5xx answers, and connections that broke without one."""
        return sum(n for status, n in self.statuses.items() if status is None or status >= 500)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def row(self) -> str:
        return (
            f"  {self.clients:>3}  {self.label:<18} {self.requests / self.seconds:>7.0f}"
            f" {self.percentile(0.5):>7.1f} {self.percentile(0.95):>7.1f}"
            f" {self.percentile(0.99):>7.1f} {self.server_ms / self.requests:>10.2f}"
            f" {self.client_ms / self.requests:>10.2f} {self.errors:>5}"
        )


HEADER = (
    f"  {'clients':>3}  {'request':<18} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    f" {'server CPU':>10} {'client CPU':>10} {'5xx':>5}\n"
    f"  {'':>7}  {'':<18} {'':>7} {'':>7} {'':>7} {'':>7} {'ms/req':>10} {'ms/req':>10}"
)


def client(port, requests, headers, barrier, rounds, results, index):
    """One client process: send ``requests`` (method, path, body) one after another
    (each after all clients meet, when ``rounds``), then report what came back."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, statuses, answers = [], [], []
    barrier.wait()
    cpu = sum(os.times()[:2])
    for method, path, body in requests:
        if rounds:
            barrier.wait()
        start = time.perf_counter()
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            answer = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status, answer = None, b""
            connection.close()
        latencies.append(time.perf_counter() - start)
        statuses.append(status)
        if status in (201, 409):
            answers.append(answer)
    cpu = sum(os.times()[:2]) - cpu
    connection.close()
    results.put((index, time.perf_counter(), cpu, latencies, statuses, answers))


def cpu_ms(pids: list[int]) -> float:
    """The CPU time (user + system) these processes have used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total * TICK_MS


def drive(server, label, plans, headers, rounds=False) -> Phase:
    """Each plan is one client's requests; all clients start together."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(plans) + 1)
    results = context.Queue()
    processes = [
        context.Process(
            target=client, args=(server.port, plan, headers, barrier, rounds, results, index)
        )
        for index, plan in enumerate(plans)
    ]
    for process in processes:
        process.start()
    workers = server.workers()
    before = cpu_ms(workers)
    barrier.wait()
    start = time.perf_counter()
    if rounds:
        for _ in range(len(plans[0])):
            barrier.wait()
    reports = [results.get(timeout=600) for _ in processes]
    after = cpu_ms(workers)
    for process in processes:
        process.join(timeout=60)
    phase = Phase(label, len(plans), server_ms=after - before)
    phase.seconds = max(end for _, end, *_ in reports) - start
    for _, _, cpu, latencies, statuses, answers in reports:
        phase.client_ms += cpu * 1000
        phase.latencies += latencies
        phase.statuses.update(statuses)
        for answer in map(json.loads, answers):
            if "id" in answer:
                phase.created.append(answer)
            else:
                phase.refusals[answer.get("status") or answer.get("error")] += 1
    if server.workers() != workers:
        print(f"  (workers changed during {label}: {workers} -> {server.workers()})")
    return phase


def uses(code_sets, nonce: str):
    """One plan a client: a use of each card it was given."""
    return [
        [
            ("POST", "/api/v1/uses", json.dumps({"code": code, "nonce": f"{nonce}-{c}-{i}"}))
            for i, code in enumerate(codes)
        ]
        for c, codes in enumerate(code_sets)
    ]


def split(codes: list[str], clients: int, total: int) -> list[list[str]]:
    each = total // clients
    return [codes[c * each : (c + 1) * each] for c in range(clients)]


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}


def run_server(settings, folder, registry: Registry, workers, threads, sizes, race=True) -> dict:
    """One server: warm up, then each client count (``sizes``: requests for each) for both
    endpoints, then the race."""
    phases, expected, race_codes = {}, {}, []
    with serve(settings, folder, workers=workers, threads=threads) as server:
        warm = split(registry.codes, 4, 40)
        warmed = drive(server, "warm-up", uses(warm, "warm"), bearer(registry.keys["warm"]))
        expected["warm"] = warmed.created
        drive(server, "warm-up", [[("GET", "/healthz", None)] * 10] * 4, {})
        for clients in sizes:
            venue = f"load-{clients}"
            plans = uses(split(registry.codes, clients, sizes[clients]), venue)
            phase = drive(server, USES, plans, bearer(registry.keys[venue]))
            expected[venue] = phase.created
            health = drive(
                server,
                HEALTH,
                [[("GET", "/healthz", None)] * (sizes[clients] // clients)] * clients,
                {},
            )
            phases[clients] = (phase, health)
            print(phase.row())
            print(health.row())
        if race:
            race_codes = registry.codes[:RACE_ROUNDS]
            racing(server, registry, race_codes, expected)
    print("  " + check(settings.database_url, expected, race_codes))
    return phases


def racing(server, registry: Registry, race_codes: list[str], expected: dict) -> None:
    """Rounds of clients all sending a use of one card at once: one of them gets it."""
    plans = [
        [
            ("POST", "/api/v1/uses", json.dumps({"code": code, "nonce": f"race-{r}-{c}"}))
            for r, code in enumerate(race_codes)
        ]
        for c in range(RACERS)
    ]
    race = drive(server, "race", plans, bearer(registry.keys["race"]), rounds=True)
    expected["race"] = race.created
    refused = ", ".join(f"{n} x 409 {status}" for status, n in race.refusals.items())
    print(
        f"  race: {len(race_codes)} rounds of {RACERS} clients on one card: "
        f"{race.statuses[201]} x 201, {refused}, {race.errors} 5xx; "
        f"p50 {race.percentile(0.5):.1f} ms, p95 {race.percentile(0.95):.1f} ms, "
        f"p99 {race.percentile(0.99):.1f} ms"
    )


def check(url: str, expected: dict, race_codes: list[str]) -> str:
    """Does the database hold exactly the uses that got 201, one per raced card, and
    monthly totals that add up to them?"""
    engine = create_engine(url)
    problems = []
    with engine.connect() as connection:
        for slug, created in expected.items():
            stored = dict(
                connection.execute(
                    select(Use.nonce, Use.id)
                    .join(Site, Use.venue_id == Site.id)
                    .where(Site.slug == slug)
                ).all()
            )
            told = {use["nonce"]: use["id"] for use in created}
            if stored != told:
                problems.append(f"{slug}: {len(stored)} uses stored, {len(told)} got 201")
        per_card = Counter(
            connection.execute(
                select(Use.card_id).join(Site, Use.venue_id == Site.id).where(Site.slug == "race")
            ).scalars()
        )
        if sorted(per_card.values()) != [1] * len(race_codes):
            problems.append(f"raced cards: uses per card {sorted(per_card.values())}")
        counted = connection.scalar(select(func.sum(MonthlyUses.adults)))
        uses = connection.scalar(select(func.count()).select_from(Use))
        if counted != uses:
            problems.append(f"monthly totals count {counted} uses of {uses}")
    engine.dispose()
    total = sum(len(created) for created in expected.values())
    if problems:
        return "CHECK FAILED: " + "; ".join(problems)
    return (
        f"check: the database holds exactly the {total} uses that got 201 (by id and nonce), "
        f"one use per raced card, and monthly totals of {total} uses: OK"
    )


def summary(results: dict) -> None:
    """All runs in one table, as README.md shows it."""
    print(
        "\n| database | server | clients | uses/s | p50 / p95 / p99 ms | CPU ms/use "
        "| /healthz req/s | p50 / p95 / p99 ms | CPU ms/req | 5xx |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (database, server), phases in results.items():
        for clients, (use, health) in phases.items():
            cells = [database, server, str(clients)]
            for phase in (use, health):
                cells += [
                    f"{phase.requests / phase.seconds:.0f}",
                    " / ".join(f"{phase.percentile(p):.0f}" for p in (0.5, 0.95, 0.99)),
                    f"{phase.server_ms / phase.requests:.1f}",
                ]
            cells.append(str(use.errors + health.errors))
            print("| " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (fewer requests)")
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--server", nargs="+", default=list(SERVERS), choices=list(SERVERS))
    parser.add_argument("--clients", nargs="+", type=int, default=CLIENTS, choices=CLIENTS)
    parser.add_argument("--no-race", action="store_true", help="leave the racing clients out")
    args = parser.parse_args()
    scale = 5 if args.quick else 1
    sizes = {1: 400 // scale, 8: 2400 // scale, 16: 2400 // scale}
    sizes = {clients: sizes[clients] for clients in args.clients}
    databases = list(args.database)
    if "postgresql" in databases and not postgres_answers():
        print("PostgreSQL does not answer at 127.0.0.1:5432: SQLite only.")
        databases.remove("postgresql")
    venues = ["warm", "race", *(f"load-{clients}" for clients in CLIENTS)]
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for database in databases:
            base = POSTGRES_ADMIN if database == "postgresql" else None
            with fresh_database(folder, base) as template:
                seeding = Settings.new(template)
                start = time.perf_counter()
                seeding.flask("init-db")
                registry = seed(seeding, venues, max(sizes.values()))
                print(
                    f"\n{database}: seeded {len(registry.codes)} cards and {len(venues)} venues"
                    f" in {time.perf_counter() - start:.0f} s"
                )
                for name, (workers, threads) in SERVERS.items():
                    if name not in args.server:
                        continue
                    with fresh_database(folder, base, template=template) as url:
                        settings = Settings(url, seeding.secret_key, seeding.signing_key)
                        print(
                            f"\n{database}, gunicorn {workers} workers x {threads} threads"
                            f" ({'sync' if threads == 1 else 'gthread'})"
                        )
                        print(HEADER)
                        results[database, name] = run_server(
                            settings, folder, registry, workers, threads, sizes, not args.no_race
                        )
    summary(results)


if __name__ == "__main__":
    main()
