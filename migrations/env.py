"""Alembic's environment, run by `flask db ...` and by `flask init-db` (app/database.py).

Migrations run on the app's own engine, all in one transaction. On SQLite,
foreign keys are switched off around them: batch mode rebuilds a table by
copying it, which enforced keys would refuse; the keys are checked afterwards.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")
config = context.config
if config.config_file_name:  # "Running upgrade ..." lines; the app's own loggers stay as they are
    fileConfig(config.config_file_name, disable_existing_loggers=False)
target_db = current_app.extensions["migrate"].db


def skip_empty_revisions(context, revision, directives):
    """`flask db migrate` writes nothing when the models and the database agree."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_online():
    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", skip_empty_revisions)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, or SQLite ignores it
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_db.metadata,
                transactional_ddl=True,  # SQLite too: all the steps commit, or none
                **options,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"foreign keys broken by the migration: {broken}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    raise SystemExit("Kaiku's migrations run against a database (no --sql mode).")
run_migrations_online()
