"""Word-shingle MinHash signatures and LSH band keys.

Tokens are the `\\w+` runs of the casefolded body; shingles are `SHINGLE` consecutive tokens
(a body shorter than that is one shingle). Each token gets a stable 64-bit xxh3 hash (cached),
a shingle hash combines its tokens' hashes, and the k-th MinHash value is the minimum over the
shingles of the multiply-shift hash `(a_k * s + b_k) >> 32`. Band i's key hashes the values
`ROWS*i .. ROWS*i+ROWS-1`. Everything is deterministic across processes and machines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import xxhash

SHINGLE = 4
NUM_PERM = 128
BANDS = 16
ROWS = 3

_rng = np.random.default_rng(20241127)
_A = (_rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)).reshape(-1, 1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64).reshape(-1, 1)
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5], dtype=np.uint64)
_WORD = re.compile(r"\w+")
_CACHE: dict[str, int] = {}
_CACHE_MAX = 1_000_000


@dataclass(frozen=True, slots=True)
class Fingerprint:
    shingles: int  # number of distinct shingles
    signature: bytes  # NUM_PERM MinHash values, uint32 little-endian
    bands: tuple[str, ...]  # LSH band keys, "b<i>:<hex>"

    def compact(self) -> bytes:
        """The low byte of each MinHash value: what the index stores for similarity checks."""
        return np.frombuffer(self.signature, dtype="<u4").astype(np.uint8).tobytes()


def _token_hashes(tokens: list[str]) -> np.ndarray:
    cache = _CACHE
    if len(cache) > _CACHE_MAX:
        cache.clear()
    out = []
    for tok in tokens:
        h = cache.get(tok)
        if h is None:
            h = cache[tok] = xxhash.xxh3_64_intdigest(tok.encode("utf-8", "surrogatepass"))
        out.append(h)
    return np.array(out, dtype=np.uint64)


def fingerprint(body: str) -> Fingerprint:
    tokens = _WORD.findall(body.casefold()) or [body.casefold()]
    t = _token_hashes(tokens)
    if len(t) < SHINGLE:
        shingles = np.array([np.bitwise_xor.reduce(t * _MIX[: len(t)])], dtype=np.uint64)
    else:
        n = len(t) - SHINGLE + 1
        shingles = t[:n] * _MIX[0]
        for j in range(1, SHINGLE):
            shingles = shingles ^ (t[j : j + n] * _MIX[j])
        shingles = np.unique(shingles)
    sig = ((_A * shingles + _B) >> np.uint64(32)).min(axis=1).astype("<u4")
    raw = sig.tobytes()
    bands = tuple(f"b{i}:{xxhash.xxh3_64_hexdigest(raw[i * ROWS * 4 : (i + 1) * ROWS * 4])[:12]}" for i in range(BANDS))
    return Fingerprint(shingles=len(shingles), signature=raw, bands=bands)


def estimate(fp: Fingerprint, other_compact: bytes, other_shingles: int) -> tuple[float, float]:
    """(Jaccard, containment) of `fp` and an indexed article, estimated from signatures.

    Jaccard from the share of equal 8-bit MinHash values, corrected for chance collisions;
    containment = |A∩B| / min(|A|, |B|) with |A∩B| = J/(1+J) * (|A| + |B|).
    """
    mine = np.frombuffer(fp.compact(), dtype=np.uint8)
    theirs = np.frombuffer(other_compact, dtype=np.uint8)
    if len(theirs) != len(mine):
        return 0.0, 0.0
    equal = float(np.count_nonzero(mine == theirs)) / len(mine)
    jaccard = max(0.0, (equal - 1 / 256) / (1 - 1 / 256))
    small = max(1, min(fp.shingles, other_shingles))
    inter = jaccard / (1 + jaccard) * (fp.shingles + other_shingles)
    return jaccard, min(1.0, inter / small)
