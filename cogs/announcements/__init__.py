"""Announcements: post once, every family reads it in its own language, see who has seen it."""

from cogs.announcements.cog import AnnouncementsCog, setup

#: loads before features with a higher number (see bot/app.py)
LOAD_ORDER = 30

__all__ = ["AnnouncementsCog", "setup"]
