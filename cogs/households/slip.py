"""The printable join slip: a small PNG with the class name, the code and how to use it in
the community's language and one more (matplotlib, imported only when a slip is made)."""

from __future__ import annotations

import io


def render_slip(class_name: str, child: str, code: str, how_to: list[str]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.8, 1.4 + 0.32 * len(how_to)), dpi=100)
    figure.text(0.05, 0.88, f"{class_name} — {child}"[:70], fontsize=12, weight="bold", va="top")
    figure.text(0.05, 0.66, code, fontsize=22, family="monospace", va="top")
    for number, line in enumerate(how_to):
        figure.text(0.05, 0.38 - number * (0.3 / max(len(how_to), 1)), line[:90], fontsize=9, va="top")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
