"""The cold-start floor: a bare Dash app with one graph, served by the same gunicorn settings."""

import dash
from dash import dcc, html

app = dash.Dash(__name__, serve_locally=True)
app.layout = html.Div([html.H1("bare"), dcc.Graph(figure={"data": [{"type": "bar", "x": [1, 2], "y": [3, 4]}]})])
server = app.server
