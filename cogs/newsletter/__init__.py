"""A weekly class newsletter: scheduled once, filled during the week, sent in every family's
language on its day, skipped (and the teacher told) when nothing was added."""

from cogs.newsletter.cog import NewsletterCog, setup

__all__ = ["NewsletterCog", "setup"]
