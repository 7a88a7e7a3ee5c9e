"""Languages: Chinese (the default) and English, with Flask-Babel.

Texts in code and templates are written in English and wrapped in ``_()``/``gettext``; the Chinese
comes from gettext catalogs, one per area of the product, under
``crm/translations/<area>/zh/LC_MESSAGES/messages.po`` (Flask-Babel merges them), so that each area
keeps its own words. The compiled ``.mo`` files are built from the ``.po`` files when the app starts
(never committed). A person's choice of language is kept in a long-lived cookie; texts made outside a
request (SMS, notifications) name their language with ``in_language``.
"""

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import has_request_context, request
from flask_babel import Babel, force_locale, get_locale, refresh

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
COOKIE = "kefu_lang"
COOKIE_SECONDS = 365 * 24 * 3600

babel = Babel()


def select_language():
    """The language of this request: the person's choice (cookie), else Chinese (also outside a request,
    e.g. a worker's texts not given a language with ``in_language``)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def language_of(tag):
    """``zh`` or ``en`` for a language tag such as ``en-US`` or ``zh-CN`` (Chinese if unknown)."""
    primary = (tag or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def in_language(language):
    """``with in_language("en"):`` renders texts outside a request in that language (``en-US`` is English;
    Chinese if unknown)."""
    return force_locale(language_of(language))


def catalog_directories(root=TRANSLATIONS):
    return sorted(str(path) for path in root.iterdir() if path.is_dir()) if root.is_dir() else []


def compile_catalogs(root=TRANSLATIONS):
    """Build each ``messages.mo`` that is missing or older than its ``.po`` (atomically: several
    processes may start at once)."""
    for po in root.glob("*/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        handle, temporary = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as target:
            write_mo(target, catalog)
        os.replace(temporary, mo)


def register_i18n(app):
    compile_catalogs()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(catalog_directories())
    babel.init_app(app, locale_selector=select_language)
    app.before_request(refresh)  # each request its own language, even when an app context outlives one (tests)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_language=current_language)


def current_language():
    """``zh`` or ``en``: the language this request is rendered in."""
    return str(get_locale() or DEFAULT_LANGUAGE)
