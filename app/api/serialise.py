"""Domain objects as the API's JSON. Field names here are a public contract."""

from ..core.checkin import Verdict, tickets_given, undo_until
from ..models import Card, Event, Use


def _utc(moment) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def card_json(card: Card) -> dict:
    """What a venue may know of a card: nothing about the holder but the allowance."""
    return {
        "number": card.display_number,
        "status": card.status,
        "kind": card.kind,
        "valid_from": card.valid_from.isoformat() if card.valid_from else None,
        "valid_until": card.valid_until.isoformat() if card.valid_until else None,
        "children": card.children,
        "home_area": card.home_area.code,
    }


def use_json(use: Use) -> dict:
    return {
        "id": use.id,
        "card": use.card.display_number,
        "venue": use.venue.slug,
        "event": use.event_id,
        "category": use.category,
        "kind": use.kind,
        "recorded_at": _utc(use.recorded_at),
        "received_at": _utc(use.received_at),
        "undo_until": _utc(undo_until(use)),
        "adults": use.adults,
        "children": use.children,
        "clients": use.clients,
        "assistant": use.assistant,
        "typed": use.typed,
        "voided_at": _utc(use.voided_at),
        "nonce": use.nonce,
        "device": use.device_id,
        "late": use.late,
    }


def event_json(event: Event) -> dict:
    given = tickets_given(event)
    return {
        "id": event.id,
        "name": event.name,
        "date": event.date.isoformat(),
        "quota": event.quota,
        "offline_quota": event.offline_quota,
        "given": given,
        "left": None if event.quota is None else max(event.quota - given, 0),
    }


def verdict_json(verdict: Verdict) -> dict:
    body = {
        "status": verdict.status,
        "message": verdict.message(),
        "typed": verdict.typed,
        "card": card_json(verdict.card) if verdict.card else None,
        "event": verdict.event.id if verdict.event else None,
        "kind": verdict.kind,
    }
    if verdict.reason:
        body["reason"] = verdict.reason
    if verdict.allowance:
        body["allowance"] = vars(verdict.allowance)
    if verdict.quota_left is not None:
        body["quota_left"] = verdict.quota_left
    if verdict.last_use:
        body["last_use"] = {
            "id": verdict.last_use.id,
            "recorded_at": _utc(verdict.last_use.recorded_at),
            "event": verdict.last_use.event_id,
        }
    return body
