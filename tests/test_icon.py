"""The icon is drawn from one source (skill/model/icon.py) at both sizes Alexa asks for."""
from __future__ import annotations

import struct
import zlib

import pytest

from skill.model.icon import LEG, MOON, NIGHT, icon_png, read_png_size


def pixels(png: bytes) -> tuple[int, list[bytes]]:
    """Decode our own PNG layout (one IDAT, filter 0 on every row) into RGB rows."""
    size = read_png_size(png)[0]
    length = struct.unpack(">I", png[33:37])[0]
    assert png[37:41] == b"IDAT"
    raw = zlib.decompress(png[41:41 + length])
    stride = 1 + 3 * size
    assert len(raw) == stride * size
    rows = [raw[i * stride:(i + 1) * stride] for i in range(size)]
    assert all(row[0] == 0 for row in rows)
    return size, [row[1:] for row in rows]


@pytest.mark.parametrize("size", [108, 512])
def test_the_icon_is_a_square_rgb_png_of_the_asked_size(size: int) -> None:
    png = icon_png(size)
    assert read_png_size(png) == (size, size)
    assert png[24:26] == bytes([8, 2]), "8-bit RGB"
    assert png.endswith(b"IEND\xaeB`\x82")


@pytest.mark.parametrize("size", [108, 512])
def test_the_icon_shows_the_night_sky_the_moon_and_the_leg(size: int) -> None:
    _, rows = pixels(icon_png(size))
    colours = {tuple(row[i:i + 3]) for row in rows for i in range(0, len(row), 3)}
    assert {NIGHT, MOON, LEG} <= colours
    corner = tuple(rows[0][:3])
    assert corner == NIGHT


def test_both_sizes_are_the_same_drawing() -> None:
    """Sample the large icon at the small icon's pixel centres: nearly every pixel agrees."""
    _, small = pixels(icon_png(108))
    _, large = pixels(icon_png(512))
    same = 0
    for y in range(108):
        for x in range(108):
            ly, lx = int((y + 0.5) * 512 / 108), int((x + 0.5) * 512 / 108)
            a, b = small[y][3 * x:3 * x + 3], large[ly][3 * lx:3 * lx + 3]
            same += all(abs(p - q) < 40 for p, q in zip(a, b))
    assert same / 108 ** 2 > 0.95


def test_read_png_size_refuses_what_is_not_a_png() -> None:
    png = bytearray(icon_png(108))
    with pytest.raises(ValueError, match="not a PNG"):
        read_png_size(b"GIF89a" + bytes(40))
    png[20] ^= 0xFF  # corrupt the width
    with pytest.raises(ValueError, match="corrupt"):
        read_png_size(bytes(png))
