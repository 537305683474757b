"""One module per data source: ``fetch(session, ...)`` does the network, ``parse(raw)`` is pure."""
