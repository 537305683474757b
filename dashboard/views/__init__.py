"""Per page, Dash-free: URL contract, state resolution, state -> figure (pages, embeds and routes all use them)."""
