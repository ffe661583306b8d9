"""dedup: exact copies, near-copies and revisions, decided against a shared index.

What counts as what (checked in this order for each article X):

1. **Redelivery** — X's (source, id) entry records the same origin (Kafka topic/partition/offset)
   as X: the stored verdict is returned again, so a message reprocessed after a crash gets the
   very same output.
2. **Revision** — the same (source, id) was seen with a different content hash: status
   `revision`, `revision` = previous + 1, same `cluster_id`.
3. **Resend** — the same (source, id) with the same content hash: `duplicate` of itself.
4. **Exact copy** — another article with the same content hash (normalised body): `duplicate`,
   similarity 1.0, no similarity work.
5. **Near-copy** — an indexed article sharing an LSH band with X whose estimated word-shingle
   Jaccard similarity is >= `jaccard`, or whose containment (shared shingles over the smaller
   set) is >= `containment` while the smaller is at least `min_size_ratio` of the larger
   (a trimmed copy, or one with a paragraph added): `duplicate` of that article's story.
6. Otherwise X is an `original` and starts its own story (`cluster_id` = its id).

Articles further apart in time than the horizon (by article time: published_at, else the Kafka
timestamp, else the clock) never match, and the index forgets them.

The index is a key-value store: `s:<id>` (per article), `h:<content hash>`, `b<i>:<band hash>`.
`decide_batch` reads the entries of a whole batch at once and returns the verdicts and the puts;
`merge` applies a put to an entry at the key's owner. The worker keeps the index in a
partitioned faust table; `ingest process` in a dict; both call the same functions.
"""

from ingest.core.dedup.decide import DedupParams, Subject, decide_batch, keys_for
from ingest.core.dedup.entries import merge
from ingest.core.dedup.fingerprint import Fingerprint, fingerprint
from ingest.core.dedup.store import IndexStore, LocalStore

__all__ = [
    "DedupParams",
    "Fingerprint",
    "IndexStore",
    "LocalStore",
    "Subject",
    "decide_batch",
    "fingerprint",
    "keys_for",
    "merge",
]
