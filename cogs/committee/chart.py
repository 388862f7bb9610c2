"""Poll result charts: a horizontal bar chart as PNG bytes (matplotlib, Agg backend).

Poll options are written in every script a class uses (Korean, Chinese, Arabic, Cyrillic,
Vietnamese diacritics) and often carry an emoji. matplotlib's own DejaVu Sans has none of
CJK or emoji, so the chart draws with a font *list*: matplotlib falls back glyph by glyph
along it. The Noto fonts are the system's (Debian's ``fonts-noto-core``, ``fonts-noto-cjk``:
the container image installs them) or, on a machine without them, those of the optional
``fonts`` extra (``pip install "homeroom[fonts]"``: ``manimgx-fonts`` for Noto Sans, Arabic,
Symbols and Emoji, ``cvttf-NotoSansCJK-Regular`` for Noto Sans CJK). Arabic is shaped and laid out
right to left by matplotlib's text layout (libraqm, matplotlib 3.11 and later).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path

#: packages that ship font files beside their ``__init__``
FONT_PACKAGES = ("manimgx_fonts", "cvttf_NotoSansCJK_Regular")
#: the fallback order: Latin, Greek and Cyrillic first, then each script, emoji, symbols
FAMILIES = (
    "Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Sans CJK KR",
    "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Bengali", "Noto Sans Thai",
    "Noto Sans Khmer", "Noto Sans Lao", "Noto Sans Myanmar", "Noto Sans Ethiopic", "Noto Sans Georgian",
    "Noto Sans Armenian", "Noto Emoji", "Noto Sans Symbols", "DejaVu Sans",
)
_FONT_SUFFIXES = (".ttf", ".otf")


@dataclass(frozen=True)
class Chart:
    png: bytes
    #: The bar lengths drawn, in option order (what the picture shows).
    bars: tuple[float, ...]


@cache
def font_families() -> tuple[str, ...]:
    """The families to draw with, in fallback order: those of :data:`FAMILIES` that the font
    packages or the system provide (registered with matplotlib once per process)."""
    from matplotlib import font_manager

    for package in FONT_PACKAGES:
        try:
            folder = Path(import_module(package).__file__ or "").parent
        except ImportError:
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in _FONT_SUFFIXES and "Italic" not in path.name:
                font_manager.fontManager.addfont(str(path))
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    return tuple(name for name in FAMILIES if name in known) or ("DejaVu Sans",)


def render_chart(title: str, labels: list[str], counts: list[int], note: str = "") -> Chart:
    """``note`` is a line under the bars in the reader's language (the total and whether
    the count is final). Imported lazily: start-up stays fast for bots that never close a poll."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    families = list(font_families())
    figure = Figure(figsize=(6, 0.6 * len(labels) + 1.5), dpi=100)
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    container = axes.barh(positions, counts, color="#3b82f6")
    axes.set_yticks(positions, [label[:40] for label in labels], fontfamily=families)
    axes.bar_label(container, labels=[str(c) for c in counts], padding=3, fontfamily=families)
    axes.set_title(title[:80], fontfamily=families)
    axes.set_xlim(0, max([*counts, 1]) * 1.2)
    axes.xaxis.set_visible(False)
    if note:
        axes.text(1.0, -0.02, note[:80], transform=axes.transAxes, ha="right", va="top", fontfamily=families,
                  color="#374151")
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    bars = tuple(float(patch.get_width()) for patch in container.patches)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return Chart(png=buffer.getvalue(), bars=bars)
