"""Report files: what a report kind produces, the folder runs keep them in, and tables as CSV or Excel.

A run's file is written once, to a temporary name renamed into place (a reader never sees half a file),
under ``<REPORT_DIR>/<run id>/<filename>``; the run row keeps the path relative to the folder, so the
folder may move with its setting.
"""

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ReportFile:
    """A finished report: its bytes, content type and the file name offered on download."""

    content: bytes
    content_type: str
    filename: str


@dataclass(frozen=True)
class Store:
    """The report folder (setting ``KEFU_REPORT_DIR``)."""

    folder: str

    def keep(self, run_id, report_file):
        """Write ``report_file`` for run ``run_id``; the path relative to the folder."""
        relative = f"{run_id}/{_safe_name(report_file.filename)}"
        target = Path(self.folder) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as temporary:
            temporary.write(report_file.content)
        os.replace(temporary.name, target)
        return relative

    def read(self, relative):
        """The bytes kept at ``relative``, or None when the file is gone."""
        path = Path(self.folder) / relative
        return path.read_bytes() if path.is_file() else None


def store_from(config):
    return Store(config["REPORT_DIR"])


def _safe_name(filename):
    return re.sub(r"[^A-Za-z0-9._-]", "_", filename)[:120] or "report"


def table_file(fmt, title, header, rows, stem):
    """A table (``header`` and ``rows`` of plain values) as a ``ReportFile`` in ``fmt`` (csv or xlsx)."""
    content = table_csv(header, rows) if fmt == "csv" else table_xlsx(title, header, rows)
    return ReportFile(content, CONTENT_TYPES[fmt], f"{stem}.{fmt}")


def table_csv(header, rows):
    """UTF-8 with a byte-order mark, so Excel opens the Chinese labels correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def table_xlsx(title, header, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit on a sheet name
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
