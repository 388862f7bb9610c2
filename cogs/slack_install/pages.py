"""The pages a person installing Homeroom into a Slack workspace sees: the install page, the
page after Slack sends them back, and the page when something went wrong. Each is in the
visitor's language, chosen from their browser's Accept-Language among the languages with a
catalog (English otherwise), so the district admin who installs it reads it in their own.

Catalog text only (``Localizer.sync_text``): a page is answered at once and never waits for a
translation provider.
"""

from __future__ import annotations

import html

from babel.core import negotiate_locale

from bot.i18n import N_, Localizer

INSTALL_TITLE = N_("Add Homeroom to Slack")
INSTALL_TEXT = N_("Homeroom connects the school and its families in Slack, each in their own language. "
                  "Add it to your workspace to start.")
INSTALL_BUTTON = N_("Add to Slack")
INSTALLED_TITLE = N_("Homeroom is installed")
INSTALLED_TEXT = N_("Homeroom is now part of {workspace}. You can close this page and type /help in Slack.")
YOUR_WORKSPACE = N_("your workspace")
REFUSED_TITLE = N_("Homeroom was not installed")
NOTHING_SAVED = N_("Nothing was saved.")
START_AGAIN = N_("Start the installation again")
#: what went wrong, by the reason slack_bolt gives its failure callback
REFUSALS = {
    "invalid_state": N_("This install link has expired or was already used."),
    "invalid_browser": N_("This install was started in another browser."),
    "access_denied": N_("The installation was cancelled in Slack."),
    "invalid_code": N_("Slack did not accept this installation."),
}
REFUSED_OTHER = N_("The installation could not be completed.")
#: the right-to-left scripts among the languages a catalog may cover
RTL = frozenset({"ar", "fa", "he", "ps", "ur", "yi"})


def accepted(header: str | None) -> list[str]:
    """The languages of an Accept-Language header (RFC 9110), most preferred first, lower case;
    q=0 means "not this"."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        tag = tag.strip().lower()  # language tags are case-insensitive
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def page_language(header: str | None, localizer: Localizer) -> str:
    """The visitor's language among those whose catalog translates these pages, else English
    (a page whose words are English must not say ``lang="es"``: a screen reader would read
    them with Spanish sounds)."""
    available = ["en", *(lang for lang, catalog in localizer.catalogs.items() if INSTALL_TITLE in catalog)]
    # a region the catalogs lack ("es-MX") falls back to its language ("es") before the next choice
    wanted = [form for tag in accepted(header) for form in dict.fromkeys((tag, tag.split("-")[0]))]
    found = negotiate_locale(wanted, available, sep="-")
    return found or "en"


def _page(lang: str, title: str, body: str) -> str:
    direction = "rtl" if lang.split("-")[0] in RTL else "ltr"
    return (f'<!DOCTYPE html><html lang="{html.escape(lang)}" dir="{direction}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>")


def install_page(localizer: Localizer, lang: str, authorize_url: str) -> str:
    """The install page: what Homeroom is, and the link to Slack's authorisation page."""
    text = localizer.sync_text(lang, INSTALL_TEXT)
    button = localizer.sync_text(lang, INSTALL_BUTTON)
    return _page(lang, localizer.sync_text(lang, INSTALL_TITLE),
                 f"<p>{html.escape(text)}</p><p><a href=\"{html.escape(authorize_url)}\">{html.escape(button)}</a></p>")


def installed_page(localizer: Localizer, lang: str, workspace: str | None) -> str:
    name = workspace or localizer.sync_text(lang, YOUR_WORKSPACE)
    return _page(lang, localizer.sync_text(lang, INSTALLED_TITLE),
                 f"<p>{html.escape(localizer.sync_text(lang, INSTALLED_TEXT, workspace=name))}</p>")


def refused_page(localizer: Localizer, lang: str, reason: str, again_url: str) -> str:
    """What went wrong, that nothing was kept, and a link to start again; never a stack trace."""
    why = localizer.sync_text(lang, REFUSALS.get(reason, REFUSED_OTHER))
    saved = localizer.sync_text(lang, NOTHING_SAVED)
    again = localizer.sync_text(lang, START_AGAIN)
    return _page(lang, localizer.sync_text(lang, REFUSED_TITLE),
                 f"<p>{html.escape(why)} {html.escape(saved)}</p>"
                 f"<p><a href=\"{html.escape(again_url)}\">{html.escape(again)}</a></p>")
