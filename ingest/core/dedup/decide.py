"""`decide_batch`: verdicts for a batch of articles from the index entries they share keys with.

The batch is decided in order, each article seeing the index as fetched plus the puts of the
articles before it in the batch, so a batch gives the same verdicts as deciding its articles
one at a time (what `ingest process` does with a batch of one).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import orjson

from ingest.core.dedup.entries import load, merge
from ingest.core.dedup.fingerprint import Fingerprint, estimate
from ingest.core.model import Verdict


@dataclass(frozen=True, slots=True)
class DedupParams:
    jaccard: float = 0.8
    containment: float = 0.9
    min_size_ratio: float = 0.5
    horizon_s: int = 7 * 86400


@dataclass(frozen=True, slots=True)
class Subject:
    """What dedup needs of one article."""

    id: str
    content_hash: str
    time: int  # article time, epoch seconds
    origin: str | None  # "topic/partition/offset" for Kafka input, None offline
    fingerprint: Fingerprint


def keys_for(subject: Subject) -> list[str]:
    return [f"s:{subject.id}", f"h:{subject.content_hash}", *subject.fingerprint.bands]


def _near_copy(subject: Subject, view: Mapping[str, bytes | None], params: DedupParams) -> tuple[str, float] | None:
    """(cluster, similarity) of the most similar indexed article that is a near-copy, if any."""
    fp = subject.fingerprint
    best: tuple[float, str] | None = None
    seen: set[str] = set()
    for band in fp.bands:
        entry = load(view.get(band))
        if entry is None:
            continue
        for ident, cluster, t, shingles, sig in entry["m"]:
            if ident in seen or subject.id in (ident, cluster):
                continue
            seen.add(ident)
            if abs(t - subject.time) > params.horizon_s:
                continue
            jaccard, containment = estimate(fp, base64.b64decode(sig), shingles)
            ratio = min(fp.shingles, shingles) / max(fp.shingles, shingles, 1)
            similarity = jaccard if jaccard >= params.jaccard else 0.0
            if not similarity and containment >= params.containment and ratio >= params.min_size_ratio:
                similarity = containment
            if similarity and (best is None or (similarity, cluster) > best):
                best = (similarity, cluster)
    return None if best is None else (best[1], best[0])


def _puts(subject: Subject, verdict: Verdict, view: Mapping[str, bytes | None]) -> list[tuple[str, bytes]]:
    seen = [[subject.origin, verdict.status, verdict.duplicate_of, verdict.similarity, verdict.revision]]
    s_entry = {
        "h": subject.content_hash,
        "r": verdict.revision,
        "c": verdict.cluster_id,
        "t": subject.time,
        "seen": seen if subject.origin is not None else [],
    }
    puts = [(f"s:{subject.id}", orjson.dumps(s_entry))]
    if verdict.duplicate_of != subject.id:  # a resend adds nothing new to the index
        puts.append(
            (f"h:{subject.content_hash}", orjson.dumps({"i": subject.id, "c": verdict.cluster_id, "t": subject.time}))
        )
        fp = subject.fingerprint
        member = orjson.dumps(
            [subject.id, verdict.cluster_id, subject.time, fp.shingles, base64.b64encode(fp.compact()).decode()]
        )
        for band in fp.bands:
            entry = load(view.get(band))
            # a copy joins only the buckets its story is not in yet
            if verdict.status == "duplicate" and entry and any(m[1] == verdict.cluster_id for m in entry["m"]):
                continue
            puts.append((band, member))
    return puts


def _decide_one(subject: Subject, view: Mapping[str, bytes | None], params: DedupParams) -> Verdict:
    own = load(view.get(f"s:{subject.id}"))
    if own is not None and abs(own["t"] - subject.time) > params.horizon_s:
        own = None
    if own is not None:
        if subject.origin is not None:
            for origin, status, duplicate_of, similarity, revision in own["seen"]:
                if origin == subject.origin:  # this very message again: the same verdict
                    return Verdict(status, own["c"], duplicate_of, similarity, revision)
        if own["h"] == subject.content_hash:
            return Verdict("duplicate", own["c"], subject.id, 1.0, own["r"])
        return Verdict("revision", own["c"], None, None, own["r"] + 1)
    exact = load(view.get(f"h:{subject.content_hash}"))
    if exact is not None and exact["i"] != subject.id and abs(exact["t"] - subject.time) <= params.horizon_s:
        return Verdict("duplicate", exact["c"], exact["c"], 1.0, 0)
    near = _near_copy(subject, view, params)
    if near is not None:
        return Verdict("duplicate", near[0], near[0], near[1], 0)
    return Verdict("original", subject.id, None, None, 0)


def decide_batch(
    subjects: Sequence[Subject],
    fetched: Mapping[str, bytes | None],
    params: DedupParams,
) -> tuple[list[Verdict], list[tuple[str, bytes]]]:
    """Verdicts in input order, and the puts to apply to the index (in order)."""
    view = dict(fetched)
    verdicts: list[Verdict] = []
    puts: list[tuple[str, bytes]] = []
    for subject in subjects:
        verdict = _decide_one(subject, view, params)
        own_puts = _puts(subject, verdict, view)
        for key, value in own_puts:
            view[key] = merge(key, view.get(key), value, params.horizon_s)
        verdicts.append(verdict)
        puts.extend(own_puts)
    return verdicts, puts
