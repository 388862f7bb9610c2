"""Households: children, their guardians and the homes they live in.

A **child** belongs to one class community and is only a label the teacher chose (a first
name or initials). Each **guardian link** (a member to a child) has its own flags:
``receives`` (messages about the child reach them), ``may_book`` (they may book conferences
for the child) and ``restricted`` (an admin holds an order that they receive nothing about
the child; the reason is for admins only, ``class_wide`` says whether class-wide
announcements still reach them). A **household** groups guardians who live together;
co-parents in two homes are two households of one child.

Commands: ``/family invite child:`` (a join code and a printable slip), ``/join code:``
(a guardian links themselves; failed attempts are rate-limited), ``/family link|unlink|
household|list|revoke`` (staff), ``/family restrict`` and ``/audit`` (admins).

The rest of the product never imports this package: it installs
:class:`cogs.households.directory.HouseholdFamilies` as ``core.families``
(:class:`bot.api.families.Families`), which every feature asks. The API another feature may
rely on (conferences, for one) is that interface:

* ``families(session, community_id) -> [Family(key, label, member_ids)]``: a child is a family
  (``key`` "child:<id>", ``label`` for staff only), members linked to no child one each;
* ``audience(session, community_id) -> [Member]``: who class-wide news goes to;
* ``children_of(session, member_id) -> [Child(id, label)]`` (restricted links left out);
* ``guardians_of(session, child_id) -> [Member]``: who may hear about a child (receiving,
  not restricted, still here); a feature writing about a child sends only to these;
* ``restricted_for(session, member_id, child_id) -> bool``;
* ``sign_up_peers(session, community_id, member_ids)``: who shares one "per family" limit
  (``[households] signup_limit``: household, child or person).

Whether a guardian may book for a child is ``GuardianLink.may_book`` in
:mod:`cogs.households.models` (read it where bookings are made).
"""

from __future__ import annotations

from bot.api.services import Services
from cogs.households.cog import HouseholdsCog
from cogs.households.directory import HouseholdFamilies


def setup(core: Services) -> HouseholdsCog:
    core.families = HouseholdFamilies(core)
    return HouseholdsCog(core)


__all__ = ["HouseholdFamilies", "HouseholdsCog", "setup"]
