"""Extensions, created once and bound to each app with init_app."""

import sqlite3

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from .core.attempts import Attempts


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate(render_as_batch=True)  # SQLite alters tables by copying them
attempts = Attempts()  # login attempts, counted in RATELIMIT_STORAGE_URI


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, _record):
    """WAL, a busy timeout and foreign keys; transactions begun by us (below)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA busy_timeout=15000")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """BEGIN IMMEDIATE: a transaction takes the write lock up front and waits
    for it, instead of failing with "database is locked" when a read lock
    would later have to be upgraded. Connections marked ``read_only`` (the
    statistics) only read, side by side."""
    if connection.dialect.name == "sqlite":
        read_only = connection.get_execution_options().get("read_only")
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
