"""Parent-committee coordination: polls with charts, tasks, meetings and a decisions log."""

from bot.api.services import Services
from cogs.committee.decisions import DecisionsCog
from cogs.committee.meetings import MeetingsCog
from cogs.committee.polls import PollsCog
from cogs.committee.tasks import TasksCog

#: loads before features with a higher number (see bot/app.py)
LOAD_ORDER = 60


def setup(core: Services) -> list[PollsCog | TasksCog | MeetingsCog | DecisionsCog]:
    return [PollsCog(core), TasksCog(core), MeetingsCog(core), DecisionsCog(core)]


__all__ = ["DecisionsCog", "MeetingsCog", "PollsCog", "TasksCog", "setup"]
