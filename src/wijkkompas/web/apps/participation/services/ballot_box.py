"""The ballot box: a ballot is sealed (encrypted) while the vote is open and opened at the close.

Why seal at all? The vote mark and the ballot must be written in one transaction, or a ballot
could be counted twice or lost. But everything written in one transaction stays tied together
in the database: PostgreSQL stamps both rows with the same transaction id (``xmin``) and puts
them in physical order, SQLite gives them neighbouring rowids, and every dump or backup keeps
that order. So while the vote is open a ballot is stored only as a sealed box: AES-256-GCM under
a key derived from the site's secret key (never stored in the database), bound to its budget,
with a fresh random nonce, and padded so that every box of a budget has the same length. A
reader of the database, a dump or a backup sees which codes voted and one box per vote, all
alike — not what anyone chose.

At the close (:func:`budgets.set_phase` to "result") the boxes are opened, put in a canonical
order, shuffled with a cryptographic random generator and written as ordinary ballots in one
transaction, with random keys for ballots and entries; the boxes are deleted. The order of the
ballot rows is then a random permutation that does not depend on when, or in which order,
anyone voted.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = 1
NONCE_BYTES = 12
CHANNELS = ("online", "paper")
_HEADER = struct.Struct(">BBH")  # version, channel, number of entries
_ENTRY = struct.Struct(">QI")  # project id, points (NO_POINTS when the vote has none)
NO_POINTS = 0xFFFF_FFFF


class BoxUnreadable(Exception):
    """A box could not be opened with the current secret key or any of its fallbacks."""


@dataclass(frozen=True)
class BallotContent:
    """What a ballot says: the channel and the projects in ballot order, with their points."""

    channel: str
    entries: tuple[tuple[int, int | None], ...]
    """``(project id, points)`` per position; points are None for approval and ordinal votes."""

    def canonical(self) -> tuple[str, tuple[tuple[int, int], ...]]:
        """A sort key that depends on the content only, never on when the ballot came in."""
        return self.channel, tuple((p, -1 if pts is None else pts) for p, pts in self.entries)


@lru_cache(maxsize=8)
def _key(secret: str) -> bytes:
    # A key for this purpose alone: the secret key also signs sessions and hashes codes.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"wijkkompas ballot box v1"
    ).derive(secret.encode())


def _aad(budget_id: int) -> bytes:
    # A box is bound to its budget: moved to another budget it no longer opens.
    return f"wijkkompas-ballot:{budget_id}".encode()


def seal(content: BallotContent, *, budget_id: int, slots: int) -> bytes:
    """Encrypt ``content``, padded to ``slots`` entries so that all boxes of a budget match.

    ``slots`` is the number of projects on the ballot paper, which is fixed while the vote is
    open; every ballot of the budget therefore seals to the same number of bytes.
    """
    if len(content.entries) > slots:
        raise ValueError("a ballot cannot hold more projects than the ballot paper")
    plain = bytearray(_HEADER.pack(VERSION, CHANNELS.index(content.channel), len(content.entries)))
    for project_id, points in content.entries:
        plain += _ENTRY.pack(project_id, NO_POINTS if points is None else points)
    plain += bytes(_ENTRY.size * (slots - len(content.entries)))
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(settings.SECRET_KEY)).encrypt(nonce, bytes(plain), _aad(budget_id))
    return bytes([VERSION]) + nonce + sealed


def open_box(box: bytes, *, budget_id: int) -> BallotContent:
    """Decrypt a box sealed for ``budget_id``, with the secret key or one of its fallbacks."""
    box = bytes(box)
    if not box or box[0] != VERSION:
        raise BoxUnreadable("unknown box version")
    nonce, sealed = box[1 : 1 + NONCE_BYTES], box[1 + NONCE_BYTES :]
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            plain = AESGCM(_key(secret)).decrypt(nonce, sealed, _aad(budget_id))
        except InvalidTag:
            continue
        return _parse(plain)
    raise BoxUnreadable("no secret key opens this box")


def _parse(plain: bytes) -> BallotContent:
    _version, channel, count = _HEADER.unpack_from(plain)
    entries = []
    for n in range(count):
        project_id, points = _ENTRY.unpack_from(plain, _HEADER.size + n * _ENTRY.size)
        entries.append((project_id, None if points == NO_POINTS else points))
    return BallotContent(CHANNELS[channel], tuple(entries))
