"""Volunteer sign-ups by reaction: slots, capacity, waitlists, reminders, rosters."""

from cogs.signups.cog import SignupsCog, setup

__all__ = ["SignupsCog", "setup"]
