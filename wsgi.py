"""The WSGI entry point: `flask --app wsgi ...` or `gunicorn wsgi:app`."""

import sys

from app import create_app
from app.config import InsecureConfig

try:
    app = create_app()
except InsecureConfig as refusal:  # the setting to fix, without a traceback around it
    sys.exit(f"Kaiku will not start: {refusal}")
