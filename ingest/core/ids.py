"""Stable identifiers and content hashes.

* `article_id(source, source_id)`: the same raw event always yields the same id, and a
  revision (same source and source id, changed content) keeps it. 32 hex chars (blake2b-128).
* `content_hash(body)`: blake2b-128 of the normalised body; exact copies share it.
"""

from __future__ import annotations

import hashlib


def _b2(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def article_id(source: str, source_id: str) -> str:
    return _b2(f"{source}\x1f{source_id}".encode("utf-8", "surrogatepass"))


def content_hash(body: str) -> str:
    return _b2(body.encode("utf-8", "surrogatepass"))


def payload_id(payload: bytes, coordinates: str | None) -> str:
    """Id of a dead-lettered message whose article id is unknown: its coordinates, else its bytes."""
    if coordinates is not None:
        return _b2(coordinates.encode())
    return _b2(payload)
