"""The API's OpenAPI 3.1 document: the contract venues' ticketing systems build on.

Written by hand, next to the code it describes; the test suite checks every API
response it makes against it (tests/api/openapi_check.py), and a fuzzer sends it
generated requests (tests/api/test_fuzzing.py). The reference page renders the same
document, so the two can't drift apart. In English, for developers.
"""

from ..core.checkin import CLOCK_SKEW, LATE_ENTRY_DAYS, STATUSES, UNDO_WINDOW
from ..models import CATEGORIES, USE_KINDS

REASONS = ("unreadable", "forged", "mistyped", "unknown", "old_code")
ERRORS = {
    "bad_request": "A required field is missing, or the body is not a JSON object.",
    "invalid_field": "A field has a value that is not allowed; `field` names it.",
    "unauthorised": "No API key, or one that is not valid (or revoked, or its site closed).",
    "forbidden": "The key or user is not a venue's.",
    "not_found": "No such use or event at this venue (another venue's looks the same).",
    "conflict": "The nonce was used for another request, the undo window is over, "
    "or the venue is closed.",
    "csrf": "A browser session sent no valid X-CSRFToken header.",
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _json(schema: dict, description: str, example=None) -> dict:
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"description": description, "content": {"application/json": content}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


_DAY = {"type": "string", "format": "date", "example": "2026-12-07"}
_MOMENT = {"type": "string", "format": "date-time", "example": "2026-12-07T10:15:00Z"}
_COUNT = {"type": "integer", "minimum": 0}
_CARD_EXAMPLE = {
    "number": "K7Q-4MZ-R23",
    "status": "active",
    "kind": "personal",
    "valid_from": "2026-01-15",
    "valid_until": "2027-01-14",
    "children": 2,
    "home_area": "PIR",
}
_VERDICT_EXAMPLE = {
    "status": "valid",
    "message": "Valid card. Confirm the number of tickets and record the use.",
    "typed": False,
    "card": _CARD_EXAMPLE,
    "event": None,
    "kind": "ticket",
    "allowance": {"adults": 1, "children": 2, "assistant": 1, "clients": 0},
}
_USE_EXAMPLE = {
    "id": 1042,
    "card": "K7Q-4MZ-R23",
    "venue": "tampere-theatre",
    "event": None,
    "category": "culture",
    "kind": "ticket",
    "recorded_at": "2026-12-07T10:15:00Z",
    "received_at": None,
    "undo_until": "2026-12-07T10:30:00Z",
    "adults": 1,
    "children": 2,
    "clients": 0,
    "assistant": 1,
    "typed": False,
    "voided_at": None,
    "nonce": "5b0c1f0e-2d9b-4c55-9a1e-0d7a3c2b1f00",
    "device": None,
    "late": False,
}
_EVENT_EXAMPLE = {
    "id": 7,
    "name": "Iltanäytös",
    "date": "2026-12-07",
    "quota": 20,
    "offline_quota": 5,
    "given": 12,
    "left": 8,
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "Every refusal that is not a card's verdict. `message` is in the "
        "caller's language (Accept-Language: fi, sv or en), for people.",
        "required": ["error", "message"],
        "properties": {
            "error": {
                "type": "string",
                "description": "; ".join(f"`{k}`: {v}" for k, v in ERRORS.items()),
            },
            "message": {"type": "string"},
            "field": {"type": "string", "description": "The request field that was wrong."},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Each wrong field's message, when several were wrong.",
            },
        },
        "example": {
            "error": "invalid_field",
            "message": "At most 2 children on this card.",
            "field": "children",
        },
    },
    "Card": {
        "type": "object",
        "description": "What a venue may know of a card: its allowance, never its holder.",
        "required": [
            "number",
            "status",
            "kind",
            "valid_from",
            "valid_until",
            "children",
            "home_area",
        ],
        "properties": {
            "number": {"type": "string", "description": "As printed, with dashes."},
            "status": {"enum": ["unregistered", "active", "blocked", "replaced"]},
            "kind": {"enum": ["personal", "community"]},
            "valid_from": _nullable(_DAY),
            "valid_until": _nullable(_DAY),
            "children": {**_COUNT, "description": "Children under 16 the card brings along."},
            "home_area": {"type": "string", "description": "The holder's area's code."},
        },
        "example": _CARD_EXAMPLE,
    },
    "Allowance": {
        "type": "object",
        "description": "The free tickets one use may give now (an event's quota may cap it).",
        "required": ["adults", "children", "assistant", "clients"],
        "properties": {
            "adults": {"const": 1},
            "children": _COUNT,
            "assistant": {"enum": [0, 1]},
            "clients": {**_COUNT, "description": "A community card's clients under 16."},
        },
    },
    "Verdict": {
        "type": "object",
        "description": "The registry's answer for a code at this venue now. Only `valid` "
        "may be recorded; `status` is one word of a fixed vocabulary, `message` says "
        "what desk staff should do, in the caller's language.",
        "required": ["status", "message", "typed", "card", "event", "kind"],
        "properties": {
            "status": {"enum": list(STATUSES)},
            "reason": {
                "enum": list(REASONS),
                "description": "Why `invalid`: `unreadable` (not a Kaiku code), `forged` "
                "(the signature is wrong), `mistyped` (a typed number's check character is "
                "wrong), `unknown` (no card has this number), `old_code` (a code replaced "
                "by a newer one).",
            },
            "message": {"type": "string"},
            "typed": {
                "type": "boolean",
                "description": "The code was a typed card number (or an imported card's "
                "ID), not a signed code: staff compare it with the card.",
            },
            "card": _nullable(_ref("Card")),
            "event": _nullable({"type": "integer"}),
            "kind": {"enum": list(USE_KINDS)},
            "allowance": _ref("Allowance"),
            "quota_left": {**_COUNT, "description": "Free tickets left for the event."},
            "last_use": {
                "type": "object",
                "description": "With `already_used`: the holder's use here.",
                "required": ["id", "recorded_at", "event"],
                "properties": {
                    "id": {"type": "integer"},
                    "recorded_at": _MOMENT,
                    "event": _nullable({"type": "integer"}),
                },
            },
        },
        "example": _VERDICT_EXAMPLE,
    },
    "Use": {
        "type": "object",
        "description": "One use: the free tickets given on one visit. Times are UTC.",
        "required": list(_USE_EXAMPLE),
        "properties": {
            "id": {"type": "integer"},
            "card": {"type": "string", "description": "The card's number, as printed."},
            "venue": {"type": "string", "description": "The venue's short name."},
            "event": _nullable({"type": "integer"}),
            "category": {"enum": list(CATEGORIES)},
            "kind": {"enum": list(USE_KINDS)},
            "recorded_at": {
                **_MOMENT,
                "description": "When it was recorded; for a use kept offline, by the "
                "device's clock.",
            },
            "received_at": _nullable(
                {**_MOMENT, "description": "A use kept offline: when it reached Kaiku."}
            ),
            "undo_until": {
                **_MOMENT,
                "description": f"Until when DELETE may undo it ({UNDO_WINDOW.seconds // 60} "
                "minutes from when Kaiku recorded or received it).",
            },
            "adults": {"const": 1},
            "children": _COUNT,
            "clients": _COUNT,
            "assistant": {"enum": [0, 1]},
            "typed": {"type": "boolean"},
            "voided_at": _nullable({**_MOMENT, "description": "When it was undone."}),
            "nonce": {"type": "string"},
            "device": _nullable({"type": "string", "description": "The desk device's id."}),
            "late": {
                "type": "boolean",
                "description": "Entered afterwards: kept offline, or noted on paper.",
            },
        },
        "example": _USE_EXAMPLE,
    },
    "Event": {
        "type": "object",
        "required": list(_EVENT_EXAMPLE),
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "date": _DAY,
            "quota": _nullable({**_COUNT, "description": "Free tickets in all (null: no limit)."}),
            "offline_quota": _nullable(
                {**_COUNT, "description": "Free tickets one desk device may give offline."}
            ),
            "given": {**_COUNT, "description": "Free tickets given so far (assistants are free)."},
            "left": _nullable(_COUNT),
        },
        "example": _EVENT_EXAMPLE,
    },
    "Snapshot": {
        "type": "object",
        "description": "A desk's offline copy of the registry, with nothing secret in it. "
        "Each entry is 12 bytes: a 3-byte tag, SHA-256(`tag_prefix` + the part of the "
        "signed code before its first dot), then 9 bytes of SHA-256(`code_prefix` + the "
        "whole signed code). `entries` are concatenated, sorted, base64. A code whose both "
        "parts match an entry gets its group's verdict; a tag without its code hash is "
        "forged; no tag at all means the code can't be confirmed offline.",
        "required": [
            "format",
            "venue",
            "days",
            "max_age_hours",
            "entry",
            "groups",
            "events",
            "used_today",
        ],
        "properties": {
            "format": {"const": 1},
            "venue": {"type": "string"},
            "days": {"type": "array", "items": _DAY, "description": "The days it covers."},
            "max_age_hours": {
                "type": "integer",
                "description": "Older than this, it may no longer say `valid`.",
            },
            "entry": {
                "type": "object",
                "required": ["algorithm", "tag_prefix", "tag_bytes", "code_prefix", "code_bytes"],
                "properties": {
                    "algorithm": {"const": "sha256"},
                    "tag_prefix": {"type": "string"},
                    "tag_bytes": {"type": "integer"},
                    "code_prefix": {"type": "string"},
                    "code_bytes": {"type": "integer"},
                },
            },
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["status", "entries"],
                    "properties": {
                        "status": {
                            "enum": [
                                "valid",
                                "not_yet_valid",
                                "expired",
                                "blocked",
                                "replaced",
                                "unregistered",
                                "old_code",
                            ]
                        },
                        "children": _COUNT,
                        "clients": _COUNT,
                        "valid_from": {**_DAY, "description": "Within the covered days only."},
                        "valid_until": {**_DAY, "description": "Within the covered days only."},
                        "entries": {"type": "string", "contentEncoding": "base64"},
                    },
                },
            },
            "events": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "name", "date", "quota", "offline_quota", "given", "used"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "date": _DAY,
                        "quota": _nullable(_COUNT),
                        "offline_quota": _nullable(_COUNT),
                        "given": _COUNT,
                        "used": {
                            "type": "string",
                            "contentEncoding": "base64",
                            "description": "Entries of the holders who already used a card "
                            "at this event.",
                        },
                    },
                },
            },
            "used_today": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "Entries of the holders who used a card here today (no event).",
            },
        },
    },
}
for _schema in SCHEMAS.values():  # a response has exactly the fields documented
    _schema.setdefault("additionalProperties", False)

_CODE = {
    "type": "string",
    "maxLength": 500,
    "description": "What the scanner read (the card's link, or the signed code alone), a "
    "typed card number, or an imported card's ID.",
}
_EVENT_ID = _nullable({"type": "integer", "description": "An event of this venue (see /events)."})
_KIND = {"enum": list(USE_KINDS), "description": "Default: the venue's own kind of use."}
_ERRORS_ANYWHERE = {
    "401": _error("No valid API key (see `WWW-Authenticate`)."),
    "403": _error("Not a venue's key or user."),
}


def _operation(summary: str, description: str, responses: dict, **more) -> dict:
    if "requestBody" in more:
        responses = {**responses, "413": _error("The body is over the size limit.")}
    unreadable = {"400": _error("The request can't be read (a NUL character in it, say).")}
    return {
        "summary": summary,
        "description": description,
        "responses": {**unreadable, **responses, **_ERRORS_ANYWHERE},
        **more,
    }


def _body(schema: dict, example: dict) -> dict:
    return {
        "required": True,
        "content": {"application/json": {"schema": schema, "example": example}},
    }


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PATHS = {
    "/verify": {
        "post": _operation(
            "Verify a code",
            "Ask whether a scanned or typed code may be used here now. Reads only: "
            "nothing is recorded.",
            {
                "200": _json(_ref("Verdict"), "The verdict, whatever it is.", _VERDICT_EXAMPLE),
                "400": _error("No `code`, or the body is not a JSON object."),
                "404": _error("No such event at this venue."),
                "422": _error("The event is over, or `kind` is not one."),
            },
            requestBody=_body(
                {
                    "type": "object",
                    "required": ["code"],
                    "properties": {"code": _CODE, "event": _EVENT_ID, "kind": _KIND},
                },
                {"code": "https://kaiku.example/k/K7Q4MZR23-1.Gx7hQ2..."},
            ),
        )
    },
    "/uses": {
        "post": _operation(
            "Record a use",
            "Record the free tickets given on one visit. The code is judged again as it is "
            "recorded: one use per holder per event, or per day without an event, and "
            "within the event's quota. Send a fresh `nonce` with each new use and the same "
            "one when retrying: a retry returns the first use with `Idempotent-Replayed: "
            "true` and records nothing new.\n\nA use kept offline sends `recorded_at` (the "
            "device's clock, with its offset) and `device`: it is judged as of that moment "
            f"(in the last {LATE_ENTRY_DAYS} days; a clock up to "
            f"{CLOCK_SKEW.seconds // 60} minutes fast counts as now), marked `late`, and "
            "its undo window counts from `received_at`.",
            {
                "201": {
                    **_json(_ref("Use"), "Recorded (or, replayed, recorded before).", _USE_EXAMPLE),
                    "headers": {
                        "Idempotent-Replayed": {
                            "description": "`true` when this answers a retry.",
                            "schema": {"const": "true"},
                        }
                    },
                },
                "400": _error("A required field is missing, or the body is not a JSON object."),
                "404": _error("No such event at this venue."),
                "409": _json(
                    {"anyOf": [_ref("Verdict"), _ref("Error")]},
                    "The card can't be used (its verdict, never `valid`), or the nonce was "
                    "used for another request (an error).",
                ),
                "422": _error("A field's value is not allowed (`field` names it)."),
            },
            requestBody=_body(
                {
                    "type": "object",
                    "required": ["code", "nonce"],
                    "properties": {
                        "code": _CODE,
                        "nonce": {
                            "type": "string",
                            "pattern": "^[0-9A-Za-z_.:-]{8,64}$",
                            "description": "The request's own id (a UUID works).",
                        },
                        "children": {"type": "integer", "minimum": 0, "maximum": 9, "default": 0},
                        "clients": {"type": "integer", "minimum": 0, "maximum": 30, "default": 0},
                        "assistant": {"type": "boolean", "default": False},
                        "event": _EVENT_ID,
                        "category": {
                            "enum": list(CATEGORIES),
                            "description": "Default: the venue's own category.",
                        },
                        "kind": _KIND,
                        "recorded_at": {
                            **_MOMENT,
                            "description": "A use kept offline: when the device recorded it.",
                        },
                        "device": {
                            "type": "string",
                            "pattern": "^[0-9A-Za-z-]{8,36}$",
                            "description": "The desk device's own id (a UUID).",
                        },
                    },
                },
                {
                    "code": "K7Q-4MZ-R23",
                    "nonce": "5b0c1f0e-2d9b-4c55-9a1e-0d7a3c2b1f00",
                    "children": 2,
                    "assistant": True,
                },
            ),
        ),
        "get": _operation(
            "List the venue's uses",
            "The venue's own uses on the days `start` to `end`, undone ones too, oldest "
            "first, `limit` at a time. For the next page send `after` = the `next_after` "
            "of this one; it is null on the last page.",
            {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["uses", "next_after"],
                        "additionalProperties": False,
                        "properties": {
                            "uses": {"type": "array", "items": _ref("Use")},
                            "next_after": _nullable({"type": "integer"}),
                        },
                    },
                    "A page of uses.",
                    {"uses": [_USE_EXAMPLE], "next_after": None},
                ),
                "422": _error(
                    "A date, `limit` or `after` is not one, or the period is upside down."
                ),
            },
            parameters=[
                _query("start", _DAY, "The first day (default: 1 January this year)."),
                _query("end", _DAY, "The last day (default: today)."),
                _query(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                    "Uses per page.",
                ),
                _query(
                    "after",
                    {"type": "integer", "minimum": 0, "default": 0},
                    "The last use of the page before.",
                ),
            ],
        ),
    },
    "/uses/{use_id}": {
        "delete": _operation(
            "Undo a use",
            f"Undo a use within {UNDO_WINDOW.seconds // 60} minutes (see `undo_until`): "
            "it no longer counts. Undoing an undone use answers it again.",
            {
                "200": _json(_ref("Use"), "Undone: `voided_at` is set."),
                "400": _error("A browser session sent no valid X-CSRFToken header."),
                "404": _error("No such use at this venue."),
                "409": _error("The undo window is over."),
                "422": _error("The id is not one a use can have."),
            },
            parameters=[
                {"name": "use_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
        )
    },
    "/events": {
        "get": _operation(
            "List the venue's events",
            "The venue's events on the days `start` (default today) to `end` (default a "
            "year on), soonest first, with the free tickets given and left.",
            {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["events"],
                        "additionalProperties": False,
                        "properties": {"events": {"type": "array", "items": _ref("Event")}},
                    },
                    "The events.",
                    {"events": [_EVENT_EXAMPLE]},
                ),
                "422": _error("A date is not one, or the period is upside down."),
            },
            parameters=[
                _query("start", _DAY, "The first day."),
                _query("end", _DAY, "The last day."),
            ],
        ),
        "post": _operation(
            "Create an event",
            "Add an event of this venue; a quota limits its free tickets (adults and "
            "children; an assistant is always free), an offline quota those one desk "
            "device may give without network.",
            {
                "201": _json(_ref("Event"), "Created.", _EVENT_EXAMPLE),
                "400": _error("`name` or `date` is missing, or the body is not a JSON object."),
                "409": _error("The venue is closed."),
                "422": _error("A field's value is not allowed (`field` names it)."),
            },
            requestBody=_body(
                {
                    "type": "object",
                    "required": ["name", "date"],
                    "properties": {
                        "name": {"type": "string", "maxLength": 200},
                        "date": _DAY,
                        "quota": _nullable({"type": "integer", "minimum": 0, "maximum": 100000}),
                        "offline_quota": _nullable(
                            {"type": "integer", "minimum": 0, "maximum": 100000}
                        ),
                    },
                },
                {"name": "Iltanäytös", "date": "2026-12-07", "quota": 20, "offline_quota": 5},
            ),
        ),
    },
    "/snapshot": {
        "get": _operation(
            "Fetch the offline snapshot",
            "The registry as a desk needs it to judge signed codes without network, with "
            "nothing in it that names a card or could be printed as one. Send the ETag you "
            "kept as `If-None-Match`: an unchanged snapshot answers 304 with no body.",
            {
                "200": {
                    **_json(_ref("Snapshot"), "The snapshot."),
                    "headers": {"ETag": {"schema": {"type": "string"}}},
                },
                "304": {"description": "Unchanged since the ETag sent."},
            },
            parameters=[
                {
                    "name": "If-None-Match",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                }
            ],
        )
    },
}


def document() -> dict:
    """The OpenAPI document, as JSON data."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kaiku API",
            "version": "1",
            "description": "For venues' own ticketing systems: verify Kaikukortti codes, "
            "record and undo the free tickets given, manage events, read your uses, and "
            "keep an offline snapshot. Authenticate with your venue's API key "
            "(`Authorization: Bearer KEY`; a national admin or coordinator makes one), or "
            "as a logged-in venue user with an `X-CSRFToken` header. Answers never carry "
            "a cardholder's data. Messages are in the caller's language (Accept-Language).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"apiKey": []}, {"session": []}],
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer", "description": "A venue's API key."},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "A logged-in venue user's session (with X-CSRFToken).",
                },
            },
            "schemas": SCHEMAS,
        },
        "paths": PATHS,
    }
