"""Parent-teacher conferences at flexible times: slots from a teacher's availability, booked
in each family's zone and language, with calendar files and reminders."""

from cogs.conferences.cog import ConferencesCog, setup

__all__ = ["ConferencesCog", "setup"]
