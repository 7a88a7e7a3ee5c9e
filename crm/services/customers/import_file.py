"""Reading a customer import file: bytes in a named encoding → numbered CSV records for the importer.

A bad row never stops the import: a row with more cells than the header, a NUL, bytes that are not
text in the file's encoding, or a cell past the csv module's size limit is passed on with its
problems (under the key ``PROBLEMS``), and the importer rejects it with its line number while
keeping the good rows. A bad *file* stops it before anything is written: a header with an unknown
column, a column twice or no ``account_no``, and a file that is not in the encoding given — recognised by
its first line holding non-ASCII text (a header with a byte-order mark, or the first Chinese name)
not decoding at all, as a GBK export from Excel read as UTF-8. That raises ``NotInEncoding``, which
names an encoding to try instead.

Encodings must be ASCII-compatible (utf-8, gbk, gb18030, …), so that the first non-ASCII line can be
found in the bytes. Undecodable bytes are kept as lone surrogates (``surrogateescape``): the decoder
carries on with the next byte, so they spoil their own row only.
"""

import codecs
import csv
import io
import re

from crm.errors import InvalidInput
from crm.services.customers.field_rules import cell_parsers

COLUMNS = tuple(cell_parsers())
# The key of a record's list of ``(column, reason)`` problems; never a column name.
PROBLEMS = None
# What an undecodable byte becomes with the ``surrogateescape`` error handler.
_UNDECODED = re.compile("[\udc80-\udcff]")
_CHINESE = ("gbk", "gb2312", "gb18030")


class NotInEncoding(InvalidInput):
    """The file is not text in ``encoding``: line ``line`` (the first with non-ASCII bytes) does not decode."""

    def __init__(self, encoding, line):
        self.encoding, self.line = encoding, line
        self.suggested = "utf-8-sig" if codecs.lookup(encoding).name in _CHINESE else "gbk"
        super().__init__(
            f"The file is not {encoding} text (line {line} cannot be read as {encoding}).",
            {"encoding": [f"Try {self.suggested}."]},
        )


def check_encoding(name):
    """``name`` if it is an ASCII-compatible encoding Python knows; ``InvalidInput`` otherwise."""
    try:
        known = codecs.lookup(name)
    except LookupError:
        raise InvalidInput(f"Unknown encoding {name!r}.", {"encoding": ["Unknown encoding."]}) from None
    if b"account_no,\n".decode(known.name, "replace") != "account_no,\n":
        raise InvalidInput(f"{name} is not ASCII-compatible; save the file as UTF-8 or GBK.", {"encoding": [name]})
    return name


def decoded_lines(raw, encoding):
    """The binary, seekable stream ``raw`` as text in ``encoding``, for ``read_csv``.

    Raises ``NotInEncoding`` when the file is not in that encoding. Undecodable bytes of a later
    line are kept as lone surrogates, for ``read_csv`` to report.
    """
    _require_encoding(raw, check_encoding(encoding))
    return io.TextIOWrapper(raw, encoding, errors="surrogateescape", newline="")


def _require_encoding(raw, encoding):
    """``NotInEncoding`` unless the first line with non-ASCII bytes decodes (a UTF-8 byte-order mark
    counts as one that does not, but in UTF-8); the stream is left where it was."""
    start = raw.tell()
    bom = raw.read(len(codecs.BOM_UTF8))
    raw.seek(start)
    if bom == codecs.BOM_UTF8 and codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        raise NotInEncoding(encoding, 1)
    for number, line in enumerate(raw, start=1):
        if not line.isascii():
            try:
                line.decode(encoding)
            except UnicodeDecodeError:
                raise NotInEncoding(encoding, number) from None
            break
    raw.seek(start)


def read_csv(lines):
    """``(line number, {column: cell})`` for each non-blank record of CSV text ``lines``.

    The header names the columns (any order, any subset of ``COLUMNS``, ``account_no`` required,
    none twice); a bad header stops the import before anything is written, so a typo never silently
    drops data. A record's problems, if any, are listed under ``PROBLEMS``.
    """
    reader = csv.reader(lines)
    header = [name.strip().lstrip("\ufeff").lower() for name in _next(reader) or []]
    _check_header(header)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, {PROBLEMS: [("row", str(error))]}
            continue
        if any(cells):
            yield line, _record(header, cells)


def _next(reader):
    try:
        return next(reader, None)
    except csv.Error as error:
        raise InvalidInput(f"The header cannot be read: {error}.", {"header": [str(error)]}) from None


def _check_header(header):
    unknown = [f"Unknown column {name!r}." for name in header if name not in COLUMNS]
    repeated = [f"Column {name!r} appears twice." for name in sorted({n for n in header if header.count(n) > 1})]
    missing = [] if "account_no" in header else ["account_no is missing."]
    if unknown or repeated or missing:
        raise InvalidInput(
            "The header needs an account_no column and only known columns, each once.",
            {"header": unknown + repeated + missing},
        )


def _record(header, cells):
    record = dict(zip(header, cells, strict=False))
    problems = []
    extra = [cell for cell in cells[len(header) :] if cell.strip()]
    if extra:
        problems.append(("row", f"{len(cells)} cells where the header has {len(header)}"))
    text = "".join(cells)
    if "\x00" in text or (not text.isascii() and _UNDECODED.search(text)):
        problems += [(column, reason) for column, cell in record.items() if (reason := _cell_problem(cell))]
    if problems:
        record[PROBLEMS] = problems
    return record


def _cell_problem(cell):
    if "\x00" in cell:
        return "contains a NUL character"
    if _UNDECODED.search(cell):
        return "is not text in the file's encoding"
    return None
