"""WSGI entry point: ``gunicorn -c python:config wsgi:app`` or ``flask --app wsgi``."""

from barcamp import create_app

app = create_app()
