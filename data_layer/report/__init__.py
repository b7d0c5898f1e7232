"""The rendición de cuentas outputs: what the hearing shows, and the report to hand out.

- :mod:`data_layer.report.content` — :class:`Report`, built from the dashboard's own
  query functions for one set of filters (so figures match the dashboard);
- :mod:`data_layer.report.screens` — the presentation's screens, one topic each;
- :mod:`data_layer.report.charts` — the report's charts as PNG (matplotlib, legible
  in black and white);
- :mod:`data_layer.report.pdf` — the PDF (reportlab);
- :mod:`data_layer.report.options` — command-line words → ``Filters``.

No Streamlit here: ``python -m data_layer report`` runs on a plain server.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from data_layer.filters import Filters
from data_layer.report.content import Report, build, file_name, file_name_for


def pdf_bytes(report: Report) -> bytes:
    """The PDF of ``report`` (reportlab and matplotlib are imported only here)."""
    from data_layer.report import pdf

    return pdf.pdf_bytes(report)


def notice_pdf(message: str) -> bytes:
    """A one-page PDF saying ``message`` (when the report could not be made)."""
    from data_layer.report import pdf

    return pdf.notice_pdf(message)


def build_pdf(con: duckdb.DuckDBPyConnection, filters: Filters) -> bytes:
    """The PDF of the filtered view: what the download buttons and the CLI write."""
    return pdf_bytes(build(con, filters))


def write_pdf(report: Report, out: Path) -> Path:
    """Write the PDF of ``report`` to ``out`` (a file, or a folder for the default
    name), replacing it atomically: a scheduled job never leaves half a file."""
    target = out / report.file_name() if out.is_dir() else out
    data = pdf_bytes(report)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".informe-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a report is for publishing
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


__all__ = ["Report", "build", "build_pdf", "file_name", "file_name_for", "notice_pdf",
           "pdf_bytes", "write_pdf"]
