"""kz-emigration: an open dashboard on emigration from Kazakhstan, built on official figures."""

__version__ = "0.1.0"
