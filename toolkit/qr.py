"""QR codes for links people open on a phone: a workshop's join link, an authenticator app's secret."""

from __future__ import annotations

import segno


def qr_data_uri(link: str, scale: int = 8) -> str:
    """``link`` as a black-on-white SVG QR code, as a ``data:`` URI an ``<img>`` shows without another request."""
    return segno.make(link, error="m").svg_data_uri(scale=scale, border=2, dark="#000", light="#fff")
