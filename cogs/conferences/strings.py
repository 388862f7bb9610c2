"""The conference feature's own words (English msgids; catalogs translate them)."""

from __future__ import annotations

from bot.i18n import N_

# teacher
PREVIEW = N_("{count} slots for \"{title}\": {summary}. Times are in {zone}. Post it for families?")
POST = N_("Post")
EDIT = N_("Edit")
DISCARD = N_("Cancel")
EDIT_HOW = N_("Change what you need and run the command again: {command}")
DISCARDED = N_("Conference #{id} was not posted.")
POSTED = N_("Conference #{id} is posted. Use /conference schedule id:{id} for your list of bookings.")
NOT_YOUR_DRAFT = N_("Only the teacher who prepared conference #{id} can post it.")
ALREADY_POSTED = N_("Conference #{id} is already posted.")
NO_CHANNEL = N_("I can't find a channel to post the conference in.")
NO_TITLE = N_("Please give the conference a title.")
BAD_LENGTH = N_("I could not read the length \"{text}\" (for example \"15m\" or \"20 min\").")
BAD_LINK = N_("The link must start with https:// or http://.")
CLOSES_LATE = N_("Bookings must close before the first conference ({first}).")
SCHEDULE_HEADING = N_("Schedule for \"{title}\" ({booked} of {total} booked), times in {zone}:")
FREE = N_("free")
SCHEDULE_FILES = N_("Your schedule for conference #{id} as a spreadsheet and a calendar file.")
NO_SUCH = N_("There is no conference #{id} here.")
NOT_YOURS = N_("Only the teacher who created conference #{id} (or an admin) can do that.")
NO_SUCH_SLOT = N_("Conference #{id} has no slot {slot}. /conference schedule id:{id} lists them with their numbers.")
SLOT_REMOVED_TEACHER = N_("Slot {slot} ({when}) is removed.")
SLOT_REMOVED_TOLD = N_("Slot {slot} ({when}) is removed; {name} is told and offered other times.")
SLOT_MOVED_TEACHER = N_("Slot {slot} now starts {when}.")
SLOT_TAKEN_TIME = N_("Conference #{id} already has a slot starting {when}.")
CANCELLED_TEACHER = N_("Conference #{id} is cancelled; {count} families are told.")

# the card
CARD_TITLE = N_("Conferences: {title}")
CARD_BODY = N_("Book a time that suits you. Times below are in {zone}; your own booking shows them in yours.")
CARD_DAY = N_("{day}: {free} of {total} free")
CARD_WHERE = N_("Where: {where}")
CARD_CLOSES = N_("Bookings close {when}.")
CARD_CLOSED = N_("Bookings are closed.")
CARD_CANCELLED = N_("This conference was cancelled.")
BOOK = N_("Book a time")
NONE_WORK = N_("None of these work")

# families
PICK_INTRO = N_("Choose a time for \"{title}\". Times are shown in {zone}.")
PICK_HAVE = N_("You have booked {when}. Choose another time to change it, or cancel your booking.")
PICK_PAGE = N_("Times {first}–{last} of {total}")
PICK_PLACEHOLDER = N_("Choose a time")
PICK_NONE = N_("Every time for \"{title}\" is booked. Press \"None of these work\" to ask your teacher for another.")
PREVIOUS = N_("‹ Earlier times")
NEXT = N_("Later times ›")
UNBOOK = N_("Cancel my booking")
CHANGE = N_("Change time")
BOOKED = N_("Booked: {when}. I sent you the details and a calendar file.")
SWAPPED = N_("Changed: your conference is now {when}. I sent you a new calendar file.")
ALREADY_YOURS = N_("{when} is already your time.")
TAKEN = N_("Sorry, someone has just booked that time. These are the nearest free times:")
TAKEN_NONE = N_("Sorry, someone has just booked that time, and no other time is free. Press \"None of these "
                "work\" to ask your teacher for another.")
NOT_OFFERED = N_("That time is no longer offered. Press \"Book a time\" again to see the free ones.")
CLOSED = N_("Bookings for \"{title}\" closed {when}. Please ask your teacher if you still need a time.")
NOT_OPEN = N_("Conference #{id} is not open for bookings.")
UNBOOKED = N_("Your booking for {when} is cancelled.")
NO_BOOKING = N_("You have no booking for conference #{id}.")
NO_TIME_MATCH = N_("Conference #{id} has no free time at {when}. Press \"Book a time\" on the card to see the "
                   "free ones.")
REQUEST_HOW = N_("Tell your teacher which times would work for you, in your own words: {command}")
REQUEST_PREFIX = N_("About the conference \"{title}\": none of the times work for me.")
NO_RELAY = N_("Asking for another time is not available here. Please contact your teacher directly.")

# deliveries
CONFIRM_TITLE = N_("Conference booked")
MOVED_TITLE = N_("Conference moved")
CONFIRM_BODY = N_("Your conference \"{title}\" with {teacher} is on {when}.")
WHERE_FIELD = N_("Where")
CALENDAR_NOTE = N_("Open the calendar file to add it to your phone's calendar.")
REMINDER_FAMILY = N_("Reminder: your conference \"{title}\" with {teacher} is on {when}.")
REMINDER_TEACHER = N_("Reminder: conference with {name} ({language}) on {when}.")
MOVED_BODY = N_("Your conference \"{title}\" has moved to {when}. Here is the new calendar file.")
REMOVED_BODY = N_("The time you booked for \"{title}\" ({when}) is no longer available, sorry. Please choose "
                  "another time.")
CANCELLED_BODY = N_("The conference \"{title}\" ({when}) is cancelled.")
