"""Image bombs: a photo's pixels are counted from its header and refused before decoding
(issue 17, item 8).

A PNG can declare any size and still be tiny on disk: the hostile ones here are black and
white, one bit a pixel, every row zero, built at test time (never committed). Before the cap,
a 0.7 MB PNG of 13,300 × 13,300 px took a worker from 266 MB to 1.7 GB.
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image

from cli_process import run_capped
from wijkkompas.web.apps.participation.models import Initiative
from wijkkompas.web.apps.participation.services import codes, initiatives
from wijkkompas.web.common.errors import InvalidInput

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


def sparse_png(width: int, height: int) -> bytes:
    """A valid black PNG of any size that stays small on disk (and in memory while built)."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then one bit a pixel
    packer = zlib.compressobj(9)
    body = bytearray()
    for _ in range(height):
        body += packer.compress(row)
    body += packer.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", bytes(body))
        + (chunk(b"IEND", b""))
    )


def upload(data: bytes, name: str = "foto.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def photo(size: tuple[int, int], fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, format=fmt)
    return out.getvalue()


WORKER = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "wijkkompas.web.settings"
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from wijkkompas.web.apps.participation.services.initiatives import clean_photo
from wijkkompas.web.common.errors import InvalidInput
data = open(sys.argv[1], "rb").read()
try:
    clean_photo(SimpleUploadedFile("bom.png", data, content_type="image/png"))
except InvalidInput as exc:
    print(exc.errors["photo"][0])
    sys.exit(3)
print("accepted")
"""


def run_worker(path: Path) -> tuple[int, str, int]:
    """Exit code, output and peak resident size (bytes) of a process that cleans one upload
    the way a web worker does, with its address space capped."""
    run = run_capped(
        [sys.executable, "-c", WORKER, str(path)], 3072 * MiB, env={"WIJKKOMPAS_ENV": "test"}
    )
    return run.returncode, run.stdout + run.stderr, run.peak


def test_a_177_megapixel_png_is_refused_before_a_pixel_is_decoded(tmp_path: Path) -> None:
    bomb = tmp_path / "bom.png"
    bomb.write_bytes(sparse_png(13_300, 13_300))
    assert bomb.stat().st_size < 1 * MiB
    small = tmp_path / "klein.png"
    small.write_bytes(photo((400, 300), "PNG"))
    accepted, _said, baseline = run_worker(small)
    assert accepted == 0
    returncode, output, peak = run_worker(bomb)
    assert returncode == 3, output
    assert "13300 × 13300" in output and "40 megapixel" in output
    # Beside a worker that cleans an ordinary photo: decoding would add about 530 MB.
    assert peak - baseline < 64 * MiB, f"peak {peak / MiB:.0f} MiB, baseline {baseline / MiB:.0f}"


def _resident(n: int = 1, area: str = "BU99990101"):
    plain = f"FOTO-TEST-{n:04d}"
    codes.add_known_code(code=plain, area_code=area, batch="t")
    redeemed = codes.redeem(plain)
    assert redeemed is not None
    return redeemed.code, redeemed.user


def test_the_form_says_how_large_the_photo_is_and_what_the_limit_is() -> None:
    _code, user = _resident()
    client = Client()
    client.force_login(user)
    response = client.post(
        "/meedoen/initiatieven/nieuw/",
        {
            "title": "Bankje",
            "text": "Een bankje bij de speeltuin.",
            "area_code": "BU99990101",
            "photo": upload(sparse_png(7_000, 6_000)),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400  # the form again, with its errors
    assert "Deze foto heeft te veel pixels (7000 × 6000)" in page
    assert "hoogstens 40 megapixel" in page
    assert not Initiative.objects.exists()


def test_the_cap_is_a_setting_and_a_photo_exactly_at_it_is_accepted(settings) -> None:
    settings.PHOTO_MAX_PIXELS = 2_000
    assert initiatives.clean_photo(upload(photo((40, 50), "PNG"))).size > 0
    with pytest.raises(InvalidInput, match=r"\(50 × 50\).*0\.002 megapixel"):
        initiatives.clean_photo(upload(photo((50, 50), "PNG")))


def test_the_refusal_is_translated() -> None:
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        initiatives.clean_photo(upload(sparse_png(7_000, 6_000)))
    assert refused.value.errors["photo"] == [
        "This photo has too many pixels (7000 × 6000). Choose a photo of at most 40 "
        "megapixels, or make it smaller first."
    ]


@pytest.mark.parametrize("fmt", ["TIFF", "BMP", "GIF"])
def test_only_jpeg_png_and_webp_are_opened(fmt: str) -> None:
    with pytest.raises(InvalidInput, match="geen foto"):
        initiatives.clean_photo(upload(photo((60, 40), fmt), f"foto.{fmt.lower()}"))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_ordinary_photos_still_pass(fmt: str) -> None:
    cleaned = initiatives.clean_photo(upload(photo((2400, 1800), fmt)))
    with Image.open(cleaned) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 1600
