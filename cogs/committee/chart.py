"""Poll result charts: a horizontal bar chart as PNG bytes (matplotlib, Agg backend)."""

from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass(frozen=True)
class Chart:
    png: bytes
    #: The bar lengths drawn, in option order (what the picture shows).
    bars: tuple[float, ...]


def render_chart(title: str, labels: list[str], counts: list[int]) -> Chart:
    """Imported lazily: start-up stays fast for bots that never close a poll."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 0.6 * len(labels) + 1.2), dpi=100)
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    container = axes.barh(positions, counts, color="#3b82f6")
    axes.set_yticks(positions, [label[:40] for label in labels])
    axes.bar_label(container, labels=[str(c) for c in counts], padding=3)
    axes.set_title(title[:80])
    axes.set_xlim(0, max([*counts, 1]) * 1.2)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    bars = tuple(float(patch.get_width()) for patch in container.patches)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return Chart(png=buffer.getvalue(), bars=bars)
