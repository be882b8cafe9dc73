"""Great-circle geometry on lon/lat coordinates (WGS84 sphere approximation)."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius


def great_circle_km(lon1, lat1, lon2, lat2):
    """Haversine distance in km; works on scalars or numpy arrays (broadcast)."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(distance) if np.ndim(distance) == 0 else distance


def km_per_degree(lat_deg: float) -> tuple[float, float]:
    """Kilometres per degree of longitude and of latitude at ``lat_deg`` (for scale bars and snapping)."""
    per_lat = np.pi * EARTH_RADIUS_KM / 180.0
    return per_lat * float(np.cos(np.radians(lat_deg))), per_lat
