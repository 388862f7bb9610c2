"""Each feature's catalogs in its own folder: ``python -m bot.i18n.catalogs extract|update|split|init|count|names``.

A cog folder owns the messages only it uses, in ``cogs/<name>/locale/<lang>/LC_MESSAGES/<name>.po``
(the gettext domain is the cog's name); ``bot/i18n/locale`` keeps the core's (``bot/`` and the
single-file cogs) and every message a cog shares with the core. Run from the repository root:

* ``extract``: one template per domain (``<name>.pot``) from the sources, with the keywords of
  docs/translating.md;
* ``update``: merges each template into every language's catalog (a catalog a language lacks
  is created), dropping what no code uses;
* ``names``: regenerates :mod:`bot.i18n.language_names` from the CLDR data shipped with Babel;
* ``split [FILE.po ...]``: ``extract`` and ``update``, then fills every untranslated message
  from any catalog that already translates it (and from the ``.po`` files named, say another
  branch's catalogs) — moving translations written in the central catalog (``bot/i18n/locale``)
  into the cog that now owns the message; safe to re-run after merging branches that added
  messages to the central catalog;
* ``init LANG``: a new language in every domain;
* ``count``: translated messages per language over all domains (``split`` prints it before
  and after, and refuses to lose any).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.pofile import read_po, write_po

CORE_DOMAIN = "homeroom"
METHOD = "bot.i18n.extract:extract"
#: the extraction keywords (docs/translating.md explains them)
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "P_": (1, 2), "t": None, "reply": None, "UserError": None,
            "Refused": None, "CommandSyntaxError": None, "localize": (2,), "notify": (3,), "command": (2,),
            "OptionSpec": (2,)}
WIDTH = 76
Key = tuple[str | None, str]


@dataclass(frozen=True)
class Domain:
    name: str
    sources: tuple[Path, ...]
    locale_dir: Path

    @property
    def template(self) -> Path:
        return self.locale_dir / f"{self.name}.pot"

    def catalog(self, lang: str) -> Path:
        return self.locale_dir / lang / "LC_MESSAGES" / f"{self.name}.po"


def domains(root: Path) -> list[Domain]:
    """The core's domain first, then one per cog folder."""
    cogs = root / "cogs"
    found = [Domain(CORE_DOMAIN, (root / "bot", *sorted(cogs.glob("*.py"))), root / "bot/i18n/locale")]
    for folder in sorted(p for p in cogs.iterdir() if (p / "__init__.py").is_file()):
        found.append(Domain(folder.name, (folder,), folder / "locale"))
    return found


def languages(root: Path) -> list[str]:
    """The languages with a catalog (the core's catalog defines them)."""
    return sorted(p.parent.parent.name for p in (root / "bot/i18n/locale").glob(f"*/LC_MESSAGES/{CORE_DOMAIN}.po"))


def key(message: Message) -> Key:
    return message.context, str(message.id if isinstance(message.id, str) else message.id[0])


def _extracted(domain: Domain, root: Path) -> Catalog:
    catalog = Catalog(project="Homeroom", domain=domain.name)
    for source in domain.sources:
        if source.is_dir():
            found: Iterable[tuple[str, int, object, list[str], str | None]] = extract_from_dir(
                source, [("**.py", METHOD)], {}, keywords=KEYWORDS)
            base = source
        else:
            found = ((source.name, *rest) for rest in extract_from_file(METHOD, source, keywords=KEYWORDS))
            base = source.parent
        for filename, lineno, message, comments, context in found:
            location = str((base / filename).relative_to(root))
            catalog.add(message, None, [(location, lineno)], auto_comments=comments, context=context)
    return catalog


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_rendered(catalog))


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def extract(root: Path) -> None:
    """Write each domain's template; a cog's holds what the core's does not."""
    core_keys: set[Key] = set()
    for domain in domains(root):
        catalog = _extracted(domain, root)
        if domain.name == CORE_DOMAIN:
            core_keys = {key(m) for m in catalog if m.id}
        else:
            for message in [m for m in catalog if m.id and key(m) in core_keys]:
                catalog.delete(message.id, context=message.context)
            if not any(m.id for m in catalog):
                if domain.template.is_file():
                    domain.template.unlink()
                continue
        _write_template(domain.template, catalog)


def _write_template(template: Path, catalog: Catalog) -> None:
    """The template keeps its creation date while its messages stay the same, so extracting
    again changes no file (and no language's catalog, whose header copies the date)."""
    if template.is_file():
        catalog.creation_date = _read(template).creation_date
        if _rendered(catalog) == template.read_bytes():
            return
        catalog.creation_date = datetime.now(UTC)
    _write(template, catalog)


def _rendered(catalog: Catalog) -> bytes:
    """The catalog as written. Homeroom's messages are brace-formatted, so a literal "%" ("% of
    families") is text, not a printf directive: Babel's guessed python-format flag is dropped,
    or msgfmt -c would demand every translation keep "% o" and refuse those that do not."""
    for message in catalog:
        message.flags.discard("python-format")
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, no_location=True, sort_output=True, ignore_obsolete=True)
    return buffer.getvalue()


def update(root: Path, langs: Iterable[str] | None = None) -> None:
    """Merge every template into each language's catalog, creating missing ones."""
    for domain in domains(root):
        if not domain.template.is_file():
            continue
        template = _read(domain.template)
        for lang in langs or languages(root):
            path = domain.catalog(lang)
            if path.is_file():
                catalog = _read(path)
            else:
                catalog = Catalog(locale=lang, domain=domain.name, project="Homeroom", version="0.1.0")
                core = domains(root)[0].catalog(lang)
                if core.is_file():  # the same header, so the same Plural-Forms, as the core's
                    catalog.mime_headers = _read(core).mime_headers
            catalog.update(template)
            _write(path, catalog)


def translations(root: Path) -> dict[str, dict[Key, str | tuple[str, ...]]]:
    """{language: {message: translation}} over every domain (not fuzzy, every form written)."""
    found: dict[str, dict[Key, str | tuple[str, ...]]] = {}
    for domain in domains(root):
        for lang in languages(root):
            path = domain.catalog(lang)
            if not path.is_file():
                continue
            entries = found.setdefault(lang, {})
            for message in _read(path):
                forms = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and not message.fuzzy and all(forms):
                    entries.setdefault(key(message), message.string)
    return found


def count(root: Path) -> dict[str, int]:
    return {lang: len(entries) for lang, entries in translations(root).items()}


def _translations_in(paths: Iterable[Path]) -> dict[str, dict[Key, str | tuple[str, ...]]]:
    """Translations from loose ``.po`` files (another branch's catalogs), by their Language header."""
    found: dict[str, dict[Key, str | tuple[str, ...]]] = {}
    for path in paths:
        catalog = _read(path)
        if catalog.locale is None:
            raise SystemExit(f"{path}: no Language header")
        entries = found.setdefault(str(catalog.locale), {})
        for message in catalog:
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and not message.fuzzy and all(forms):
                entries.setdefault(key(message), message.string)
    return found


def split(root: Path, extra: Iterable[Path] = ()) -> dict[str, tuple[int, int]]:
    """Extract and update, then give every untranslated message the translation any catalog
    (or an ``extra`` ``.po`` file) had for it. Returns {language: (translated before, after)};
    raises if one still used was lost."""
    known = translations(root)
    for lang, entries in _translations_in(extra).items():
        for message_key, text in entries.items():
            known.setdefault(lang, {}).setdefault(message_key, text)
    before = {lang: len(entries) for lang, entries in known.items()}
    extract(root)
    update(root)
    live: set[Key] = set()
    for domain in domains(root):
        if domain.template.is_file():
            live |= {key(m) for m in _read(domain.template) if m.id}
        for lang in languages(root):
            path = domain.catalog(lang)
            if not path.is_file():
                continue
            catalog = _read(path)
            for message in catalog:
                forms = message.string if isinstance(message.string, tuple) else (message.string,)
                earlier = known.get(lang, {}).get(key(message))
                if message.id and earlier is not None and (message.fuzzy or not all(forms)):
                    if isinstance(earlier, tuple) == isinstance(message.string, tuple):
                        message.string = earlier
                        message.flags.discard("fuzzy")
            _write(path, catalog)
    now = translations(root)
    after = {lang: len(entries) for lang, entries in now.items()}
    lost = {lang: sorted((k for k in entries if k in live and k not in now.get(lang, {})), key=str)[:3]
            for lang, entries in known.items()}
    lost = {lang: keys for lang, keys in lost.items() if keys}
    if lost:
        raise SystemExit(f"translations lost: {lost}")
    return {lang: (before.get(lang, 0), after.get(lang, 0)) for lang in sorted(set(before) | set(after))}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path.cwd()
    if not args or args[0] not in {"extract", "update", "split", "init", "count", "names"}:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    verb = args[0]
    if verb == "extract":
        extract(root)
    elif verb == "update":
        update(root)
    elif verb == "init":
        if len(args) != 2:
            print("usage: python -m bot.i18n.catalogs init LANG", file=sys.stderr)
            return 2
        (root / "bot/i18n/locale" / args[1] / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
        update(root, [args[1]])
    elif verb == "names":
        from bot.i18n import languages

        target = Path(languages.__file__).with_name("language_names.py")
        target.write_text(languages.render_names_module(), encoding="utf-8")
        print(f"wrote {target.name} ({len(languages.offered())} languages)")
    elif verb == "count":
        for lang, number in sorted(count(root).items()):
            print(f"{lang}\t{number}")
    else:
        for lang, (was, now) in split(root, [Path(arg) for arg in args[1:]]).items():
            print(f"{lang}\t{was} → {now} translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
