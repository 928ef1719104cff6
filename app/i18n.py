"""Language: ?lang= (the card page, which sets no cookie), else the switcher's
remembered choice (a cookie), else Accept-Language."""

from flask import has_request_context, request

from .config import LANGUAGES

COOKIE = "lang"


def select_locale() -> str | None:
    if not has_request_context():
        return None  # the CLI speaks the default language
    for chosen in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return request.accept_languages.best_match(LANGUAGES) or "fi"


def init_i18n(app):
    @app.context_processor
    def languages():
        return {"LANGUAGES": {"fi": "Suomi", "sv": "Svenska", "en": "English"}}

    return select_locale
