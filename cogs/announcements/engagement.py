"""The engagement picture over several weeks: each announcement's read rate in order (families
counted as the core's family directory defines them, like ``/announcement status``: a child
with two guardians is one family, seen when either saw it), the read rate per language among
the people who read for those families (so a school sees whether every community hears it),
and the families who saw none of them — as numbers the cog words, and as a PNG (matplotlib,
Agg backend, imported only when a report is drawn)."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.families import Families, member_names
from cogs.announcements.models import Acknowledgement, Announcement


@dataclass(frozen=True)
class AnnouncementRate:
    id: int
    posted_at: datetime
    seen: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.seen / self.total if self.total else 0.0


@dataclass(frozen=True)
class Engagement:
    announcements: tuple[AnnouncementRate, ...]
    #: language -> (acknowledgements, announcements x families of that language)
    languages: dict[str, tuple[int, int]]
    never_seen: tuple[str, ...]

    @property
    def average_percent(self) -> float:
        seen = sum(a.seen for a in self.announcements)
        total = sum(a.total for a in self.announcements)
        return 100.0 * seen / total if total else 0.0

    def language_percent(self, language: str) -> float:
        seen, total = self.languages[language]
        return 100.0 * seen / total if total else 0.0


async def engagement(session: AsyncSession, community_id: int, since: datetime, default_language: str,
                     directory: Families) -> Engagement:
    """The figures for announcements posted since ``since``, counted against today's families
    (the same families ``/announcement status`` counts)."""
    audience = await directory.audience(session, community_id)
    families = await directory.families(session, community_id)
    rows = (await session.scalars(select(Announcement).where(
        Announcement.community_id == community_id, Announcement.status == "posted",
        Announcement.posted_at.is_not(None), Announcement.posted_at >= since)
        .order_by(Announcement.posted_at, Announcement.id))).all()
    ids = [row.id for row in rows]
    acks: dict[int, set[int]] = defaultdict(set)
    if ids:
        for announcement_id, member_id in (await session.execute(select(
                Acknowledgement.announcement_id, Acknowledgement.member_id).where(
                Acknowledgement.announcement_id.in_(ids)))).all():
            acks[announcement_id].add(member_id)
    family_ids = {member.id for member in audience}
    rates = tuple(AnnouncementRate(row.id, row.posted_at,  # type: ignore[arg-type]
                                   sum(1 for f in families if acks[row.id] & set(f.member_ids)), len(families))
                  for row in rows)
    language_of = {member.id: member.language or default_language for member in audience}
    per_language = Counter(language_of.values())
    seen_by_language: Counter[str] = Counter()
    for announcement_id in ids:
        for member_id in acks[announcement_id] & family_ids:
            seen_by_language[language_of[member_id]] += 1
    languages = {language: (seen_by_language[language], count * len(ids))
                 for language, count in sorted(per_language.items())}
    seen_any = set().union(*acks.values()) if acks else set()
    names = await member_names(session, {m for f in families for m in f.member_ids})
    never = tuple(f.label or ", ".join(names.get(m, f"member {m}") for m in f.member_ids)
                  for f in families if not seen_any & set(f.member_ids)) if ids else ()
    return Engagement(rates, languages, never)


def render_png(report: Engagement, title: str, rate_label: str, language_label: str) -> bytes:
    """Two panels: read rate per announcement in posting order, and per language."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 6), dpi=100)
    over_time, by_language = figure.subplots(2, 1)
    labels = [f"#{rate.id}\n{rate.posted_at:%d %b}" for rate in report.announcements]
    values = [rate.percent for rate in report.announcements]
    over_time.plot(range(len(values)), values, marker="o", color="#2563eb")
    over_time.set_xticks(range(len(values)), labels, fontsize=8)
    over_time.set_ylim(0, 105)
    over_time.set_ylabel(rate_label)
    over_time.set_title(title[:80])
    languages = list(report.languages)
    bars = by_language.bar(range(len(languages)), [report.language_percent(code) for code in languages],
                           color="#16a34a")
    by_language.set_xticks(range(len(languages)), languages)
    by_language.bar_label(bars, labels=[f"{report.language_percent(code):.0f}%" for code in languages], padding=2)
    by_language.set_ylim(0, 110)
    by_language.set_ylabel(language_label)
    for axes in (over_time, by_language):
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
