"""Draws fieldapp's app icons (PNG, no image library needed): python scripts/make_icons.py."""

import struct
import zlib
from pathlib import Path

BRAND = (0x12, 0x35, 0x5B)
WHITE = (0xFF, 0xFF, 0xFF)
ACCENT = (0x4F, 0xB2, 0x86)


def pixel(x, y, size, maskable):
    """A white speech-bubble ring with a green heart-dot on the brand colour."""
    cx = cy = size / 2
    scale = size / (2.6 if maskable else 2.2)  # maskable icons keep their drawing in the safe zone
    dx, dy = (x + 0.5 - cx) / scale, (y + 0.5 - cy) / scale
    r = (dx * dx + dy * dy) ** 0.5
    if 0.62 <= r <= 0.86:
        return WHITE
    if 0.6 < dx + 0.1 < 0.95 and 0.55 < dy < 0.95 and dx - dy > -0.2:  # bubble tail
        return WHITE
    if r <= 0.34:
        return ACCENT
    return BRAND


def png(size, maskable=False) -> bytes:
    rows = b"".join(b"\x00" + bytes(c for x in range(size) for c in pixel(x, y, size, maskable))
                    for y in range(size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "static" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size))
        (out / f"icon-maskable-{size}.png").write_bytes(png(size, maskable=True))
    (out / "apple-touch-icon.png").write_bytes(png(180))
