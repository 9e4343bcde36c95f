"""Server-rendered SVG charts: plain geometry for ``templates/metrics/_charts.html``.

No JavaScript and no inline styles (the CSP forbids them): shapes carry class names that
``static/css/metrics.css`` colours, and SVG presentation attributes (fill, text-anchor, font-size) so a
PDF renderer that does not style inline SVG from the page's CSS (WeasyPrint) draws the same. Each chart
also has its numbers in a table for screen readers.

Labels never overlap or leave the picture, at any number of bars: their widths are estimated from the
font (DejaVu Sans, the report's font, rounded up), only every n-th bar is labelled when they would touch,
and every label sits outside the bars (below them, above them, or above a row).
"""

from math import ceil, log10

WIDTH, HEIGHT = 640, 260
FONT = 12  # px, every label's size
GAP = 8  # px, at least between two labels
# The bars' colours as SVG presentation attributes too (metrics.css sets the same, and wins on screen):
# a PDF renderer that does not style inline SVG from the page's CSS (WeasyPrint) still draws them.
FILLS = {"resolved": "#009e73", "referred": "#0072b2", "hospitalized": "#e69f00", "arrested": "#d55e00",
         "response": "#0b5cad", "made": "#9bb4cc", "accepted": "#56b4e9", "in_progress": "#0072b2",
         "completed": "#009e73", "unable_to_contact": "#f0e442", "declined": "#cc79a7", "cancelled": "#6b6b6b"}
RIGHT, TOP, BOTTOM = 12, 22, 30  # TOP leaves room for a count above the tallest bar
# Advance widths in em, rounded up from DejaVu Sans (0.28 'i' .. 0.99 'W'): a label is never narrower.
_NARROW, _MEDIUM, _WIDE = set("ijlI.,:;'!|() "), set("frt-"), set("mwMW")


def text_width(text: str, size: float = FONT, bold: bool = False) -> float:
    """An upper estimate of ``text``'s width in px at ``size`` px."""
    ems = sum(0.33 if c in _NARROW else 0.42 if c in _MEDIUM else 1.0 if c in _WIDE
              else 0.75 if c.isupper() else 0.64 for c in text)
    return ems * size * (1.1 if bold else 1.0)


def nice_step(value: float, most: int = 5) -> int:
    """The smallest 1, 2 or 5 x 10^n step (at least 1) that covers ``value`` in ``most`` steps."""
    if value <= most:
        return 1
    rough = value / most
    power = 10 ** int(log10(rough))
    for step in (1, 2, 5, 10):
        if rough <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


def nice_max(value: int) -> int:
    """The axis maximum for ``value``: a whole number of round steps at or above it."""
    step = nice_step(value)
    return max(step, ceil(value / step) * step)


def _label(x, y, text, anchor="middle", cls="label", size=FONT, bold=False) -> dict:
    return {"x": round(x, 1), "y": round(y, 1), "text": text, "anchor": anchor, "cls": cls, "size": size,
            "weight": "bold" if bold else "normal"}


def _frame(values: list[int]) -> dict:
    """The y axis for ``values``: round ticks (0, step, 2 step ...) and the plot's left edge beside them."""
    top = nice_max(max(values, default=0))
    step = nice_step(top)
    plot_h = HEIGHT - TOP - BOTTOM
    left = ceil(text_width(str(top))) + 10
    ticks = [{"value": value, "y": round(TOP + plot_h - plot_h * value / top, 1)}
             for value in range(0, top + 1, step)]
    for tick in ticks:
        tick["label"] = _label(left - 6, tick["y"] + 4, str(tick["value"]), "end", "tick")
    return {"top": top, "left": left, "plot_w": WIDTH - left - RIGHT, "plot_h": plot_h, "ticks": ticks}


def _x_labels(labels: list[str], centers: list[float], slot: float) -> list[dict]:
    """Labels under the bars: every n-th one, n as small as keeps them apart, none past the edges."""
    widest = max((text_width(label) for label in labels), default=0)
    every = max(1, ceil((widest + GAP) / slot)) if slot else 1
    texts = []
    for index in range(0, len(labels), every):
        half = text_width(labels[index]) / 2
        x = min(max(centers[index], half + 1), WIDTH - half - 1)
        texts.append(_label(x, HEIGHT - BOTTOM + 20, labels[index]))
    return texts


def stacked_columns(labels: list[str], series: list[str], values: list[dict]) -> dict:
    """Vertical bars, one per label, each stacked by ``series`` (``values[i][serie]``)."""
    totals = [sum(value.get(serie, 0) for serie in series) for value in values]
    frame = _frame(totals)
    left, plot_w, plot_h, top = frame["left"], frame["plot_w"], frame["plot_h"], frame["top"]
    slot = plot_w / max(len(labels), 1)
    width = max(slot * 0.75, 1)
    bars, centers = [], []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * slot + (slot - width) / 2
        centers.append(x + width / 2)
        y = TOP + plot_h
        for serie in series:
            count = value.get(serie, 0)
            if count:
                height = plot_h * count / top
                y -= height
                bars.append({"x": round(x, 1), "y": round(y, 1), "w": round(width, 1), "h": round(height, 1),
                             "cls": serie, "title": f"{label}: {count} {serie}"})
    return {"width": WIDTH, "height": HEIGHT, "left": left, "right": WIDTH - RIGHT, "base": TOP + plot_h,
            "ticks": frame["ticks"], "bars": bars, "labels": _x_labels(labels, centers, slot)}


def columns(labels: list[str], counts: list[int], cls: str = "bar") -> dict:
    """Simple vertical bars with each count above its bar (where the counts have room side by side)."""
    frame = _frame(counts)
    left, plot_w, plot_h, top = frame["left"], frame["plot_w"], frame["plot_h"], frame["top"]
    slot = plot_w / max(len(labels), 1)
    width = slot * 0.75
    bars, centers, counted = [], [], []
    with_counts = max((text_width(str(count), bold=True) for count in counts), default=0) + GAP <= slot
    for index, (label, count) in enumerate(zip(labels, counts, strict=True)):
        center = left + index * slot + slot / 2
        centers.append(center)
        height = plot_h * count / top
        if count:
            bars.append({"x": round(center - width / 2, 1), "y": round(TOP + plot_h - height, 1),
                         "w": round(width, 1), "h": round(height, 1), "cls": cls, "title": f"{label}: {count}"})
        if with_counts:
            counted.append(_label(center, TOP + plot_h - height - 5, str(count), cls="count", bold=True))
    return {"width": WIDTH, "height": HEIGHT, "left": left, "right": WIDTH - RIGHT, "base": TOP + plot_h,
            "ticks": frame["ticks"], "bars": bars, "labels": _x_labels(labels, centers, slot) + counted}


def stacked_rows(labels: list[str], series: list[str], values: list[dict]) -> dict:
    """Horizontal bars, one row per label, stacked by ``series``: the label above its bar (any length
    fits the width), the total just past the bar's end."""
    label_h, bar_h, gap = FONT + 6, 18, 10
    pitch = label_h + bar_h + gap
    height = TOP // 2 + len(labels) * pitch
    totals = [sum(value.get(serie, 0) for serie in series) for value in values]
    plot_w = WIDTH - 2 - ceil(text_width(str(max(totals, default=0)), bold=True)) - GAP
    top = max(totals, default=0) or 1
    bars, texts = [], []
    for index, (label, value, total) in enumerate(zip(labels, values, totals, strict=True)):
        y = TOP // 2 + index * pitch
        x = 0.0
        for serie in series:
            count = value.get(serie, 0)
            if count:
                width = plot_w * count / top
                bars.append({"x": round(x, 1), "y": y + label_h, "w": round(width, 1), "h": bar_h, "cls": serie,
                             "title": f"{label}: {count} {serie}"})
                x += width
        texts.append(_label(0, y + FONT, label, "start", "row-label"))
        texts.append(_label(x + 4, y + label_h + bar_h - 4, str(total), "start", "count-end", bold=True))
    return {"width": WIDTH, "height": height, "bars": bars, "labels": texts}
