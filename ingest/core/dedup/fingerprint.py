"""Word-shingle MinHash signatures and LSH band keys.

Tokens are the whitespace-separated words of the casefolded body (punctuation stays attached:
copies of one story punctuate alike, and this is 5x cheaper than a regular-expression
tokenizer); shingles are `SHINGLE` consecutive tokens (a body shorter than that is one
shingle). The signature is rensa's RMinHash (Rust) with `NUM_PERM` permutations and a fixed
seed, deterministic across processes and machines. Measured on a 4 KB article (bench, same run):
rensa 11 us for the MinHash itself against 756 us for datasketch and 878 us for our numpy
k-permutation code; building the shingle strings (~100 us) is now the larger cost.
Band i's key hashes the values ROWS*i .. ROWS*i+ROWS-1.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np
import rensa
import xxhash

SHINGLE = 4
NUM_PERM = 128
BANDS = 16
ROWS = 3
SEED = 20241127
_PACK = struct.Struct(f"<{NUM_PERM}I")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    shingles: int  # number of distinct shingles
    signature: bytes  # NUM_PERM MinHash values, uint32 little-endian
    bands: tuple[str, ...]  # LSH band keys, "b<i>:<hex>"

    def compact(self) -> bytes:
        """The low byte of each MinHash value: what the index stores for similarity checks."""
        return np.frombuffer(self.signature, dtype="<u4").astype(np.uint8).tobytes()


def fingerprint(body: str) -> Fingerprint:
    tokens = body.casefold().split() or [body.casefold()]
    if len(tokens) < SHINGLE:
        shingles = [" ".join(tokens)]
    else:
        shingles = list(map(" ".join, zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False)))
    minhash = rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update(shingles)
    raw = _PACK.pack(*minhash.digest())
    step = ROWS * 4
    bands = tuple(f"b{i}:{xxhash.xxh3_64_hexdigest(raw[i * step : (i + 1) * step])[:12]}" for i in range(BANDS))
    return Fingerprint(shingles=len(set(shingles)), signature=raw, bands=bands)


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
