"""Write assets/favicon.ico: a 32x32 sun disc on the sky blue of Kazakhstan's flag, as an ICO holding one
palette PNG (~150 bytes; Dash's default favicon, which it serves otherwise, is 15 kB on every first visit).

    python scripts/make_favicon.py
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

SIZE = 32
BLUE, GOLD = (0x00, 0xAF, 0xCA), (0xFE, 0xC5, 0x0C)
OUT = Path(__file__).resolve().parents[1] / "assets" / "favicon.ico"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png() -> bytes:
    centre, radius = (SIZE - 1) / 2, SIZE * 0.3
    rows = b"".join(b"\x00" + bytes(1 if (x - centre) ** 2 + (y - centre) ** 2 <= radius ** 2 else 0
                                    for x in range(SIZE)) for y in range(SIZE))
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 3, 0, 0, 0))
            + _chunk(b"PLTE", bytes(BLUE + GOLD))
            + _chunk(b"IDAT", zlib.compress(rows, 9))
            + _chunk(b"IEND", b""))


def ico(image: bytes) -> bytes:
    # ICONDIR (reserved, type 1 = icon, one image) + ICONDIRENTRY (size, colours, planes, bpp, bytes, offset).
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(image), 22) + image


if __name__ == "__main__":
    OUT.write_bytes(ico(png()))
    print(OUT, OUT.stat().st_size, "bytes")
