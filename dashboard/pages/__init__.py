"""Dash pages: layout and thin callbacks; each module's ``register(app)`` adds its page and callbacks to an app."""

from dashboard.pages import destinations, eaeu, explorer, home, trends

PAGES = (home, destinations, trends, eaeu, explorer)
