"""Volunteer sign-ups by reaction: slots, capacity, waitlists, reminders, rosters."""

from cogs.signups.cog import SignupsCog, setup

#: loads before features with a higher number (see bot/app.py)
LOAD_ORDER = 40

__all__ = ["SignupsCog", "setup"]
