"""Poll charts draw every script the class writes in, and emoji: no glyph is missing."""

from __future__ import annotations

import io
import warnings

import pytest

from cogs.committee.chart import font_families, render_chart

LABELS = ["🚌 버스 보호자", "点心和水果 🍪", "وجبات خفيفة", "Экскурсия", "Tiếng Việt — ñ ç"]


def _missing_glyph_warnings(title: str, labels: list[str], note: str = "") -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_chart(title, labels, [3, 1, 2, 0, 4][: len(labels)], note=note)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_the_project_fonts_cover_cjk_arabic_and_emoji() -> None:
    families = font_families()
    if not any("CJK" in name for name in families):
        pytest.skip("no Noto Sans CJK font: install the project's dependencies (cvttf-NotoSansCJK-Regular)")
    assert {"Noto Sans", "Noto Sans Arabic", "Noto Emoji"} <= set(families)


def test_korean_chinese_arabic_cyrillic_and_emoji_labels_render_with_no_missing_glyph() -> None:
    assert _missing_glyph_warnings("소풍 날짜? 野餐日期? موعد النزهة؟", LABELS) == []


def test_the_note_under_the_bars_renders_in_the_readers_script() -> None:
    assert _missing_glyph_warnings("Q", ["A", "B"], note="총 5표 — 최종 결과") == []


def test_a_chart_with_a_note_is_still_a_png_with_the_counts_as_bars() -> None:
    import matplotlib.image

    chart = render_chart("Q", ["A", "B"], [2, 5], note="7 votes — final results")
    assert chart.bars == (2.0, 5.0)
    assert matplotlib.image.imread(io.BytesIO(chart.png), format="png").shape[2] in (3, 4)
