"""Time: stored in UTC, days and validity judged in Finnish local time."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

FINLAND = ZoneInfo("Europe/Helsinki")


def utcnow() -> datetime:
    """Naive UTC, as the database columns store it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def local_day(moment_utc: datetime) -> date:
    return moment_utc.replace(tzinfo=timezone.utc).astimezone(FINLAND).date()


def local_today() -> date:
    return local_day(utcnow())


def day_start_utc(day: date) -> datetime:
    """The moment a Finnish calendar day begins, as naive UTC."""
    local = datetime(day.year, day.month, day.day, tzinfo=FINLAND)
    return local.astimezone(timezone.utc).replace(tzinfo=None)
