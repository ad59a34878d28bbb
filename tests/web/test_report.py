"""The PDF report: a real, tagged PDF with a language, from the web and from the CLI alike."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest
from django.test import Client

from wijkkompas.store import AnalyticStore

pytestmark = pytest.mark.django_db


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) unpacked."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _assert_tagged_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF")
    content = _inflated(pdf)
    assert b"/StructTreeRoot" in content
    assert b"/Lang" in content


def test_the_report_download_is_a_tagged_pdf(client: Client, site_on_demo: Path) -> None:
    response = client.get("/regio/BU99990000/rapport.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    _assert_tagged_pdf(response.content)


def test_the_cli_function_writes_the_same_report(demo_store: Path, tmp_path: Path) -> None:
    from wijkkompas.reports.pdf import write_report

    out = write_report(AnalyticStore(demo_store), "WK999900", tmp_path / "wijk.pdf")
    _assert_tagged_pdf(out.read_bytes())
