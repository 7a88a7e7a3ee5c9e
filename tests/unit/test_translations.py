"""Every text the product shows is in both languages: each string marked for translation in the code and
the templates has its Chinese in one of the catalogs (crm/translations/<area>/zh/LC_MESSAGES/messages.po)."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from crm.i18n import TRANSLATIONS

ROOTS = [Path("crm"), Path("telephony"), Path("workers")]
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2), "lazy_ngettext": (1, 2)}


def _marked():
    found = {}
    for root in ROOTS:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            root, METHODS, keywords=KEYWORDS, options_map={"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
        ):
            for text in message if isinstance(message, tuple) else (message,):
                if text:
                    found.setdefault(text, f"{root / filename}:{lineno}")
    return found


def _catalogs():
    """(catalog, English, Chinese) for every translated text of every area's catalog."""
    for po in sorted(TRANSLATIONS.glob("*/zh/LC_MESSAGES/messages.po")):
        with po.open("rb") as source:
            for message in read_po(source):
                text = message.string if isinstance(message.string, str) else (message.string or ("",))[0]
                if message.id and text:
                    # A plural's singular and plural msgids both have their Chinese (Chinese has one form).
                    for key in message.id if isinstance(message.id, tuple) else (message.id,):
                        yield po.parent.parent.parent.name, key, text


def _chinese():
    return {key: text for _area, key, text in _catalogs()}


def test_the_code_marks_texts_for_translation():
    assert len(_marked()) > 20


def test_every_marked_text_has_its_chinese():
    chinese = _chinese()
    missing = {text: where for text, where in _marked().items() if text not in chinese}
    assert not missing, "no Chinese for:\n" + "\n".join(f"{where}: {text!r}" for text, where in sorted(missing.items()))


def test_the_same_english_text_has_the_same_chinese_in_every_catalog():
    """The catalogs are merged into one: a text translated two ways would show either, by load order."""
    seen, clashes = {}, []
    for area, key, text in _catalogs():
        if key in seen and seen[key][1] != text:
            clashes.append(f"{key!r}: {seen[key][0]} {seen[key][1]!r} vs {area} {text!r}")
        seen.setdefault(key, (area, text))
    assert not clashes, "\n".join(clashes)
