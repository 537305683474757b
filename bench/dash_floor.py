"""The Dash floor for a page's time to chart: a bare Dash app whose layout is one dcc.Graph with the page's
figure already in it (no callback, no page router), loading the app's own plotly.js bundle the way the
pages do, its scripts compressed (Dash's ``compress=True``).  No Dash page can draw its chart sooner than
this; the standalone HTML file (``browser.STANDALONE``) is the floor without Dash.

``KZ_FLOOR_FIGURE``: a JSON file with the figure; ``KZ_FLOOR_ASSETS``: a folder holding ``plotly-kz.js`` and
``topojson/world_110m.json`` (the map's shapes, as the app serves its own).
"""

import json
import os
from pathlib import Path

import dash
from dash import dcc, html


class FloorDash(dash.Dash):
    def _setup_plotlyjs(self):
        self._plotlyjs_url = ""  # as the app does: its partial bundle instead of Dash's full plotly.js


figure = json.loads(Path(os.environ["KZ_FLOOR_FIGURE"]).read_text())
app = FloorDash(__name__, serve_locally=True, compress=True, assets_folder=os.environ["KZ_FLOOR_ASSETS"],
                include_assets_files=False, external_scripts=["/assets/plotly-kz.js"])
app.layout = html.Div([dcc.Graph(figure=figure, config={"displayModeBar": False, "responsive": True,
                                                         "topojsonURL": "/assets/topojson/"},
                                 style={"height": f"{figure.get('layout', {}).get('height') or 450}px"})])
server = app.server
