"""gunicorn's settings, shared by the Procfile and ``kz-emigration serve`` (``--config python:dashboard.gunicorn_config``).

Workers and threads come from the environment (``WEB_CONCURRENCY``, ``GUNICORN_THREADS``); the app is
loaded once before the workers fork (``preload_app``), so nothing the first request needs is built per worker.
"""

from dashboard import settings

bind = f"{settings.get('HOST')}:{settings.get('PORT')}"
workers = int(settings.get("WEB_CONCURRENCY"))
threads = int(settings.get("GUNICORN_THREADS"))
worker_class = "gthread"
preload_app = True
accesslog = "-"
