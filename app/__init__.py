"""Kaiku: the Kaikukortti registry and validator."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from .extensions import attempts, babel, csrf, db, login_manager, migrate

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.update(settings.from_environment())
    if config:
        app.config.update(config)
    settings.check_production(app.config)
    for warning in settings.production_warnings(app.config):
        app.logger.warning(warning)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "kaiku.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"

    from .i18n import init_i18n
    from .inputs import init_inputs
    from .web import init_web

    init_inputs(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    csrf.init_app(app)
    attempts.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=init_i18n(app))
    init_web(app)
    if app.config["PROXIES"]:  # behind N reverse proxies: trust their X-Forwarded-* headers
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=app.config["PROXIES"], x_proto=app.config["PROXIES"]
        )

    from . import admin, api, auth, cardholder, cli, desk, health, issuer, public, reports

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(desk.bp)
    app.register_blueprint(cardholder.bp)
    app.register_blueprint(cardholder.questions.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(issuer.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(health.bp)
    cli.init_app(app)
    return app
