"""The offline map of a scene: Iraq as a plain coordinate grid (a degree per line), the governorate
capitals as landmarks, and the scene's point. Drawn as SVG by the server: no tiles, no script, no
request leaves the building."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WEST, EAST, SOUTH, NORTH = 38.5, 49.0, 29.0, 37.5
SCALE = 60  # pixels per degree
WIDTH = round((EAST - WEST) * SCALE)
HEIGHT = round((NORTH - SOUTH) * SCALE)

# Governorate seats (ISO 3166-2:IQ code → latitude, longitude), to two decimals: public facts.
CAPITALS = {
    "IQ-AN": (33.43, 43.30),
    "IQ-AR": (36.19, 44.01),
    "IQ-BA": (30.51, 47.78),
    "IQ-BB": (32.48, 44.43),
    "IQ-BG": (33.32, 44.37),
    "IQ-DA": (36.87, 42.99),
    "IQ-DI": (33.75, 44.64),
    "IQ-DQ": (31.06, 46.26),
    "IQ-KA": (32.62, 44.02),
    "IQ-KI": (35.47, 44.39),
    "IQ-MA": (31.84, 47.15),
    "IQ-MU": (31.33, 45.28),
    "IQ-NA": (32.03, 44.35),
    "IQ-NI": (36.34, 43.13),
    "IQ-QA": (31.99, 44.93),
    "IQ-SD": (34.61, 43.68),
    "IQ-SU": (35.56, 45.43),
    "IQ-WA": (32.51, 45.83),
}


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str = ""


def project(latitude: float | Decimal, longitude: float | Decimal) -> tuple[float, float]:
    return (
        round((float(longitude) - WEST) * SCALE, 1),
        round((NORTH - float(latitude)) * SCALE, 1),
    )


def grid(latitude: Decimal | None, longitude: Decimal | None, names: dict[str, str]) -> dict:
    """What the template draws: the lines of whole degrees, the seats with their names (`names`:
    code → the reader's language), and the scene (None without coordinates)."""
    lons = range(int(WEST) + 1, int(EAST) + 1)
    lats = range(int(SOUTH), int(NORTH) + 1)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "meridians": [Point(*project(SOUTH, lon), label=f"{lon}°E") for lon in lons],
        "parallels": [Point(*project(lat, WEST), label=f"{lat}°N") for lat in lats],
        "capitals": [
            Point(*project(*where), label=names.get(code, code))
            for code, where in sorted(CAPITALS.items())
        ],
        "scene": Point(*project(latitude, longitude))
        if latitude is not None and longitude is not None
        else None,
    }
