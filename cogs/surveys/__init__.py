"""Family surveys: a question every family can answer in its language, anonymous by default,
with results per option and, if the teacher asks, per language."""

from cogs.surveys.cog import SurveysCog, setup

__all__ = ["SurveysCog", "setup"]
