"""Draws the template scaling curve as an SVG (no plotting library needed): render time
against template size on log-log axes, ours (the size sweep) and the reference (its 10, 30
and 100 KB "many variables" cases). A straight line of slope 1 is linear time; the
reference's slope is about 2.

usage: python3 bench/plot.py SWEEP.csv REFERENCE.json OUT.svg
"""
import csv
import json
import math
import sys

sweep_csv, reference_json, out = sys.argv[1:4]
ours = [
    (int(r["bytes"]) / 1024, float(r["us"]))
    for r in csv.DictReader(open(sweep_csv))
    if "variables as values (many)" in r["name"]
]
reference = [
    (r["bytes"] / 1024, r["us_per_call"])
    for r in json.load(open(reference_json))["rows"]
    if "vars as values (many)" in r["template"]
]

W, H, L, R, T, B = 660, 400, 70, 40, 30, 50
xs = [x for x, _ in ours + reference]
ys = [y for _, y in ours + reference]
x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))


def px(x):
    return L + (math.log10(x) - x0) / (x1 - x0) * (W - L - R)


def py(y):
    return H - B - (math.log10(y) - y0) / (y1 - y0) * (H - T - B)


def slope(points):
    (a, b), (c, d) = points[0], points[-1]
    return (math.log10(d) - math.log10(b)) / (math.log10(c) - math.log10(a))


parts = [
    f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
    f'<rect width="{W}" height="{H}" fill="white"/>',
    f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="14">Render time vs template size (about 18 variables per KB), log-log</text>',
]
for e in range(x0, x1 + 1):
    x = px(10**e)
    parts.append(f'<line x1="{x}" y1="{T}" x2="{x}" y2="{H - B}" stroke="#ddd"/>')
    parts.append(f'<text x="{x}" y="{H - B + 16}" text-anchor="middle">{10**e:g} KB</text>')
for e in range(y0, y1 + 1):
    y = py(10**e)
    parts.append(f'<line x1="{L}" y1="{y}" x2="{W - R}" y2="{y}" stroke="#ddd"/>')
    parts.append(f'<text x="{L - 6}" y="{y + 4}" text-anchor="end">{10**e:g} µs</text>')
for points, colour, label in [(ours, "#1f6feb", "apify-webhooks-core"), (reference, "#d1242f", "@apify/utilities (reference)")]:
    if not points:
        continue
    path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for x, y in points:
        parts.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{colour}"/>')
    lx, ly = points[-1]
    s = slope(points) if len(points) > 1 else float("nan")
    parts.append(f'<text x="{px(lx) - 8:.1f}" y="{py(ly) - 10:.1f}" text-anchor="end" fill="{colour}">{label}: slope {s:.2f}</text>')
parts.append(f'<text x="{W / 2}" y="{H - 12}" text-anchor="middle">template size (slope 1 = linear time, 2 = quadratic)</text>')
parts.append("</svg>")
open(out, "w").write("\n".join(parts) + "\n")
print(f"ours slope {slope(ours):.2f}, reference slope {slope(reference):.2f}" if len(reference) > 1 else "")
