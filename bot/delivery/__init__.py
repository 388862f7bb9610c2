"""Every message to a person goes through one service: :class:`DeliveryService`."""

from bot.delivery.content import Action, Attach, Content, Item, Menu, Phrase, When, Words, Written, attached, file_links
from bot.delivery.service import DeliveryService, Outcome, PersonalRoute, Reach, Urgency

__all__ = ["Action", "Attach", "Content", "DeliveryService", "Item", "Menu", "Outcome",
           "PersonalRoute", "Phrase", "Reach", "Urgency", "When", "Words", "Written", "attached", "file_links"]
