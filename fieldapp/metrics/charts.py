"""Server-rendered SVG charts: plain geometry for ``templates/metrics/_charts.html``.

No JavaScript and no inline styles (the CSP forbids them): shapes carry class names that
``static/css/metrics.css`` colours. Each chart also has its numbers in a table for screen readers.
"""

from math import ceil, log10

WIDTH, HEIGHT = 640, 260
# The bars' colours as SVG presentation attributes too (metrics.css sets the same, and wins on screen):
# a PDF renderer that does not style inline SVG from the page's CSS (WeasyPrint) still draws them.
FILLS = {"resolved": "#009e73", "referred": "#0072b2", "hospitalized": "#e69f00", "arrested": "#d55e00",
         "response": "#0b5cad", "made": "#9bb4cc", "accepted": "#56b4e9", "in_progress": "#0072b2",
         "completed": "#009e73", "unable_to_contact": "#f0e442", "declined": "#cc79a7", "cancelled": "#6b6b6b"}
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 40


def nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1
    power = 10 ** int(log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


def _ticks(top: int) -> list[dict]:
    plot = HEIGHT - TOP - BOTTOM
    return [{"value": top * n // 4 if top >= 4 else round(top * n / 4, 2),
             "y": round(TOP + plot - plot * n / 4, 1)} for n in range(5)]


def stacked_columns(labels: list[str], series: list[str], values: list[dict]) -> dict:
    """Vertical bars, one per label, each stacked by ``series`` (``values[i][serie]``)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    totals = [sum(value.get(serie, 0) for serie in series) for value in values]
    top = nice_max(max(totals, default=0))
    slot = plot_w / max(len(labels), 1)
    width = max(slot * 0.75, 1)
    every = max(1, ceil(len(labels) / 8))
    bars, texts = [], []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + index * slot + (slot - width) / 2
        y = TOP + plot_h
        for serie in series:
            count = value.get(serie, 0)
            if count:
                height = plot_h * count / top
                y -= height
                bars.append({"x": round(x, 1), "y": round(y, 1), "w": round(width, 1), "h": round(height, 1),
                             "cls": serie, "title": f"{label}: {count} {serie}"})
        if index % every == 0:
            texts.append({"x": round(x + width / 2, 1), "y": HEIGHT - BOTTOM + 16, "text": label})
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "base": TOP + plot_h,
            "ticks": _ticks(top), "bars": bars, "labels": texts}


def columns(labels: list[str], counts: list[int], cls: str = "bar") -> dict:
    """Simple vertical bars with each count above its bar."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = nice_max(max(counts, default=0))
    slot = plot_w / max(len(labels), 1)
    width = slot * 0.75
    bars, texts = [], []
    for index, (label, count) in enumerate(zip(labels, counts, strict=True)):
        center = LEFT + index * slot + slot / 2
        height = plot_h * count / top
        if count:
            bars.append({"x": round(center - width / 2, 1), "y": round(TOP + plot_h - height, 1),
                         "w": round(width, 1), "h": round(height, 1), "cls": cls, "title": f"{label}: {count}"})
        texts.append({"x": round(center, 1), "y": HEIGHT - BOTTOM + 16, "text": label})
        texts.append({"x": round(center, 1), "y": round(TOP + plot_h - height - 4, 1), "text": str(count),
                      "cls": "count"})
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "base": TOP + plot_h,
            "ticks": _ticks(top), "bars": bars, "labels": texts}


def stacked_rows(labels: list[str], series: list[str], values: list[dict], label_width: int = 220) -> dict:
    """Horizontal bars, one row per label, stacked by ``series``; the total at the end of each."""
    row_h, gap = 26, 8
    height = TOP + len(labels) * (row_h + gap) + 4
    plot_w = WIDTH - label_width - 50
    totals = [sum(value.get(serie, 0) for serie in series) for value in values]
    top = max(totals, default=0) or 1
    bars, texts = [], []
    for index, (label, value, total) in enumerate(zip(labels, values, totals, strict=True)):
        y = TOP + index * (row_h + gap)
        x = label_width
        for serie in series:
            count = value.get(serie, 0)
            if count:
                width = plot_w * count / top
                bars.append({"x": round(x, 1), "y": y, "w": round(width, 1), "h": row_h, "cls": serie,
                             "title": f"{label}: {count} {serie}"})
                x += width
        texts.append({"x": label_width - 8, "y": y + row_h * 0.7, "text": label, "cls": "row-label"})
        texts.append({"x": round(x + 6, 1), "y": y + row_h * 0.7, "text": str(total), "cls": "count-end"})
    return {"width": WIDTH, "height": height, "bars": bars, "labels": texts}
