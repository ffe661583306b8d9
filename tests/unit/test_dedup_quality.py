"""Dedup precision and recall on generated streams (tests/dedup_streams.py), default threshold.

Precision >= 0.98 and recall >= 0.95 for flagged duplicates (a flag counts only when
duplicate_of points into the right story); same-subject stories and templated items stay
originals; revisions are revisions. Runs the offline pipeline, which is the worker's core.
"""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.core.dedup import DedupParams, LocalStore
from ingest.core.pipeline import Pipeline
from ingest.offline import process_lines
from tests.dedup_streams import generate, score


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_flagged_duplicates_precision_and_recall(seed: int) -> None:
    params = DedupParams()
    items = generate(seed)
    records = [
        o.record
        for o in process_lines([i.line() for i in items], Pipeline(params), LocalStore(params.horizon_s), 1 << 22)
    ]
    s = score(items, records)
    kinds = Counter(i.kind for i in items)
    print(
        f"\nseed {seed}: {len(items)} items {dict(kinds)}; flagged {s.flagged}, right {s.right} of {s.should}: "
        f"precision {s.precision:.3f} recall {s.recall:.3f}; negatives flagged {s.negatives_flagged}; revisions {s.revisions_right}/{s.revisions}"
    )
    assert s.precision >= 0.98
    assert s.recall >= 0.95
    assert s.negatives_flagged == 0
    assert s.revisions_right == s.revisions


def test_order_changes_which_copy_is_original_not_the_clusters() -> None:
    """Two arrival orders of the same stream give the same story clusters."""
    params = DedupParams()
    items = generate(21)
    reversed_items = list(reversed(items))

    def clusters(seq: list) -> set[frozenset[str]]:  # type: ignore[type-arg]
        recs = [
            o.record
            for o in process_lines([i.line() for i in seq], Pipeline(params), LocalStore(params.horizon_s), 1 << 22)
        ]
        by_cluster: dict[str, set[str]] = {}
        for item, rec in zip(seq, recs, strict=True):
            if item.kind not in ("revision", "resend") and "dedup" in rec:
                by_cluster.setdefault(rec["dedup"]["cluster_id"], set()).add(rec["id"])
        return {frozenset(ids) for ids in by_cluster.values()}

    a, b = clusters(items), clusters(reversed_items)
    agreement = len(a & b) / len(a | b)
    print(f"\ncluster agreement between orders: {agreement:.3f}")
    assert agreement >= 0.95
