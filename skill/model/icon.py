"""The skill's icon: one drawing, rendered as a PNG at any size (108 and 512 pixels for Alexa).

The drawing is its own source: a night sky with a crescent moon, and a lower leg whose foot
is pulled up towards the shin (the calf stretch the skill starts with). Every shape is a
signed distance function in unit coordinates (0..1, y down), so each size is drawn sharp,
with one pixel of anti-aliasing, and no image library is needed: the PNG is written with
zlib. `read_png_size` reads a PNG's dimensions back for `cramp-helper check`.
"""
from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from functools import lru_cache

Color = tuple[int, int, int]
#: A signed distance in unit coordinates: negative inside the shape.
Distance = Callable[[float, float], float]

SMALL_ICON_PX = 108
LARGE_ICON_PX = 512
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

NIGHT: Color = (22, 34, 72)
MOON: Color = (250, 222, 140)
STAR: Color = (205, 214, 240)
LEG: Color = (238, 242, 250)


def _circle(cx: float, cy: float, r: float) -> Distance:
    return lambda x, y: math.hypot(x - cx, y - cy) - r


def _capsule(ax: float, ay: float, bx: float, by: float, r: float) -> Distance:
    """A segment from a to b, thickened to radius r (a limb)."""
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy

    def distance(x: float, y: float) -> float:
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length2))
        return math.hypot(x - ax - t * dx, y - ay - t * dy) - r

    return distance


def _crescent() -> Distance:
    outer, bite = _circle(0.70, 0.27, 0.15), _circle(0.765, 0.215, 0.13)
    return lambda x, y: max(outer(x, y), -bite(x, y))


def _smooth_union(a: float, b: float, k: float) -> float:
    """min(a, b) with the corner rounded over k (a limb's outline, not two sticks)."""
    h = max(0.0, min(1.0, 0.5 + 0.5 * (b - a) / k))
    return b + (a - b) * h - k * h * (1.0 - h)


def _leg() -> Distance:
    """A lower leg seen from the side: the shin, the calf's bulge behind it, and the foot
    pulled up towards the shin, cut off flat at the knee (the top of the picture)."""
    shin = _capsule(0.34, 0.10, 0.42, 0.70, 0.062)
    calf = _capsule(0.27, 0.30, 0.33, 0.45, 0.085)
    foot = _capsule(0.42, 0.72, 0.66, 0.57, 0.052)
    heel = _circle(0.40, 0.75, 0.068)

    def distance(x: float, y: float) -> float:
        lower_leg = _smooth_union(shin(x, y), calf(x, y), 0.10)
        limb = _smooth_union(_smooth_union(lower_leg, heel(x, y), 0.05), foot(x, y), 0.05)
        return max(limb, 0.12 - y)

    return distance


#: (shape, colour, bounding box in unit coordinates), painted in this order.
SHAPES: tuple[tuple[Distance, Color, tuple[float, float, float, float]], ...] = (
    (_circle(0.50, 0.13, 0.012), STAR, (0.47, 0.10, 0.53, 0.16)),
    (_circle(0.88, 0.52, 0.012), STAR, (0.85, 0.49, 0.91, 0.55)),
    (_circle(0.80, 0.80, 0.010), STAR, (0.77, 0.77, 0.83, 0.83)),
    (_crescent(), MOON, (0.53, 0.10, 0.87, 0.44)),
    (_leg(), LEG, (0.14, 0.11, 0.73, 0.84)),
)


def render(size: int) -> list[bytearray]:
    """The icon as `size` rows of RGB bytes (3 bytes a pixel)."""
    rows = [bytearray(bytes(NIGHT) * size) for _ in range(size)]
    for shape, color, (left, top, right, bottom) in SHAPES:
        x0, x1 = max(0, int(left * size)), min(size, math.ceil(right * size))
        for py in range(max(0, int(top * size)), min(size, math.ceil(bottom * size))):
            row, y = rows[py], (py + 0.5) / size
            for px in range(x0, x1):
                # Coverage: distance in pixels from the edge, over one pixel of blur.
                cover = 0.5 - shape((px + 0.5) / size, y) * size
                if cover <= 0.0:
                    continue
                cover = min(cover, 1.0)
                at = px * 3
                for channel in range(3):
                    row[at + channel] = round(row[at + channel] * (1.0 - cover)
                                              + color[channel] * cover)
    return rows


@lru_cache(maxsize=4)
def icon_png(size: int) -> bytes:
    """The icon as PNG bytes, `size` x `size` pixels, 8-bit RGB."""
    if size < 16:
        raise ValueError(f"icon size {size} px is too small to draw")
    raw = b"".join(b"\x00" + bytes(row) for row in render(size))  # filter 0 per row
    return (PNG_SIGNATURE
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def read_png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG. Raises ValueError for anything that is not a PNG with a
    valid header chunk."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 33:
        raise ValueError("not a PNG file")
    length, kind = struct.unpack(">I4s", data[8:16])
    body, crc = data[16:16 + length], data[16 + length:20 + length]
    if kind != b"IHDR" or length != 13 or len(crc) != 4:
        raise ValueError("PNG without a header chunk")
    if struct.unpack(">I", crc)[0] != zlib.crc32(kind + body):
        raise ValueError("PNG header is corrupt")
    width, height = struct.unpack(">II", body[:8])
    return width, height
