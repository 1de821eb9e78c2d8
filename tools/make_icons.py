#!/usr/bin/env python3
"""Writes the installable app's icons into src/Amparo.Web/wwwroot/img/icons/ (Python standard library only).

Each icon is drawn once, as a few shapes on a 100 x 100 grid, and written as:
  NAME.svg               purpose "any", rounded corners        (manifest, <link rel="icon">)
  NAME-192.png           purpose "any", rounded corners        (manifest, apple-touch-icon)
  NAME-512.png           purpose "any", rounded corners        (manifest, splash screen)
  NAME-maskable-512.png  purpose "maskable", full bleed         (Android cuts its own shape)
  NAME.ico               32 x 32 (a PNG inside an ICO)         (/favicon.ico)
The symbol stays inside the central 60 % so a maskable cut never touches it.
The operator chooses one with Amparo:App:Icon; the neutral ones look like any phone's own apps on purpose.

Run from the repository root:  python3 tools/make_icons.py
"""
import math
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "Amparo.Web", "wwwroot", "img", "icons")


def hex_rgb(h):
    return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))


# Shapes: ("rect", x, y, w, h, radius, colour) · ("circle", cx, cy, r, colour) · ("poly", [(x, y), ...], colour)
ICONS = {
    "notes": ("#f6d155", [
        ("rect", 24, 32, 52, 7, 3.5, "#3d3d3d"),
        ("rect", 24, 46.5, 52, 7, 3.5, "#3d3d3d"),
        ("rect", 24, 61, 34, 7, 3.5, "#3d3d3d"),
    ]),
    "calendar": ("#e9edf2", [
        ("rect", 22, 26, 56, 52, 6, "#ffffff"),
        ("rect", 22, 26, 56, 14, 6, "#d64541"),
        ("rect", 22, 34, 56, 6, 0, "#d64541"),
        ("rect", 33, 20, 6, 13, 3, "#3d3d3d"),
        ("rect", 61, 20, 6, 13, 3, "#3d3d3d"),
    ] + [("rect", 30 + 15 * c, 47 + 10 * r, 10, 6, 1.5, "#8a94a0") for r in range(3) for c in range(3)]),
    "weather": ("#4a90d9", [
        ("circle", 41, 40, 15, "#ffd23f"),
        ("circle", 47, 60, 11, "#ffffff"),
        ("circle", 61, 54, 14, "#ffffff"),
        ("circle", 72, 62, 9, "#ffffff"),
        ("rect", 40, 60, 38, 11, 5.5, "#ffffff"),
    ]),
    "amparo": ("#0b5cab", [
        ("poly", [(50, 22), (80, 48), (20, 48)], "#ffffff"),
        ("rect", 29, 46, 42, 32, 0, "#ffffff"),
        ("rect", 44, 58, 12, 20, 0, "#0b5cab"),
    ]),
}

CORNER = 18  # radius of the rounded background of "any" icons, on the 100 grid


def svg(background, shapes):
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">',
             f'<rect width="100" height="100" rx="{CORNER}" fill="{background}"/>']
    for s in shapes:
        if s[0] == "rect":
            _, x, y, w, h, r, c = s
            rx = f' rx="{r:g}"' if r else ""
            parts.append(f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}"{rx} fill="{c}"/>')
        elif s[0] == "circle":
            _, cx, cy, r, c = s
            parts.append(f'<circle cx="{cx:g}" cy="{cy:g}" r="{r:g}" fill="{c}"/>')
        else:
            _, pts, c = s
            parts.append('<polygon points="' + " ".join(f"{x:g},{y:g}" for x, y in pts) + f'" fill="{c}"/>')
    parts.append("</svg>\n")
    return "".join(parts)


def spans(shape, y):
    """The [x0, x1) spans of a shape on the horizontal line y (grid units), as a list of pairs."""
    kind = shape[0]
    if kind == "rect":
        _, x, top, w, h, r, _ = shape
        if not top <= y < top + h:
            return []
        inset = 0.0
        if r:
            dy = max(top + r - y, y - (top + h - r), 0)
            if dy > 0:
                inset = r - math.sqrt(max(r * r - dy * dy, 0))
        return [(x + inset, x + w - inset)]
    if kind == "circle":
        _, cx, cy, r, _ = shape
        if abs(y - cy) >= r:
            return []
        d = math.sqrt(r * r - (y - cy) ** 2)
        return [(cx - d, cx + d)]
    _, pts, _ = shape
    xs = []
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]):
        if (y1 <= y < y2) or (y2 <= y < y1):
            xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    xs.sort()
    return list(zip(xs[0::2], xs[1::2]))


def raster(background, shapes, size, rounded):
    """RGBA rows of the icon at size x size, drawn 4x larger and averaged (smooth edges)."""
    ss = 4
    big = size * ss
    unit = big / 100.0
    channels = [bytearray(big * big) for _ in range(4)]
    layers = [("rect", 0, 0, 100, 100, CORNER if rounded else 0, background)] + shapes
    for shape in layers:
        colour = hex_rgb(shape[-1]) + (255,)
        for py in range(big):
            for x0, x1 in spans(shape, (py + 0.5) / unit):
                a = max(0, min(big, int(round(x0 * unit))))
                b = max(0, min(big, int(round(x1 * unit))))
                if b > a:
                    for ch in range(4):
                        channels[ch][py * big + a:py * big + b] = bytes([colour[ch]]) * (b - a)
    rows = []
    n = ss * ss
    for y in range(size):
        row = bytearray()
        sums = [[0] * size for _ in range(4)]
        for sy in range(ss):
            base = (y * ss + sy) * big
            for ch in range(4):
                line = channels[ch]
                acc = sums[ch]
                for x in range(size):
                    acc[x] += sum(line[base + x * ss:base + x * ss + ss])
        alpha = sums[3]
        for x in range(size):
            a = alpha[x]
            if a == 0:
                row += b"\0\0\0\0"
                continue
            # Colours weighted by coverage: the transparent corners do not darken the edge.
            row += bytes([min(255, round(sums[ch][x] * 255 / a)) for ch in range(3)] + [round(a / n)])
        rows.append(bytes(row))
    return rows


def png(rows, size):
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def ico(png_bytes, size):
    # ICONDIR + one ICONDIRENTRY pointing at a PNG image (read by every current browser).
    return (struct.pack("<HHH", 0, 1, 1)
            + struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png_bytes), 6 + 16) + png_bytes)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (background, shapes) in ICONS.items():
        with open(os.path.join(OUT, name + ".svg"), "w", encoding="ascii") as f:
            f.write(svg(background, shapes))
        for size, rounded, suffix in ((192, True, "-192"), (512, True, "-512"), (512, False, "-maskable-512")):
            with open(os.path.join(OUT, f"{name}{suffix}.png"), "wb") as f:
                f.write(png(raster(background, shapes, size, rounded), size))
        with open(os.path.join(OUT, name + ".ico"), "wb") as f:
            f.write(ico(png(raster(background, shapes, 32, True), 32), 32))
        print("wrote", name)


if __name__ == "__main__":
    main()
