"""Announcements: post once, every family reads it in its own language, see who has seen it."""

from cogs.announcements.cog import AnnouncementsCog, setup

__all__ = ["AnnouncementsCog", "setup"]
