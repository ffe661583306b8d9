"""Verdict semantics of the dedup core (see ingest/core/dedup/__init__.py)."""

from __future__ import annotations

from ingest.core.dedup import DedupParams, LocalStore, Subject, decide_batch, fingerprint, keys_for
from ingest.core.ids import article_id, content_hash
from ingest.core.model import Verdict

PARAMS = DedupParams()
DAY = 86400
STORY = " ".join(
    f"Sentence {i} of the story says that officials met in Ankara on Friday to discuss border trade, "
    f"refugees and the price of fuel number {i * 7}."
    for i in range(30)
)
OTHER = " ".join(
    f"A different report {i} describes floods in Basra where pumps failed "
    f"and residents waited for boats in district {i}."
    for i in range(30)
)


def subject(ident: str, body: str, t: int = 1_700_000_000, origin: str | None = None, source: str = "s") -> Subject:
    return Subject(article_id(source, ident), content_hash(body), t, origin, fingerprint(body))


def decide(store: LocalStore, *subjects: Subject) -> list[Verdict]:
    keys = [k for s in subjects for k in keys_for(s)]
    verdicts, puts = decide_batch(list(subjects), store.get_many(keys), PARAMS)
    store.apply(puts)
    return verdicts


def test_original_then_exact_copy_from_another_source() -> None:
    store = LocalStore(PARAMS.horizon_s)
    a = subject("a", STORY)
    (va,) = decide(store, a)
    (vb,) = decide(store, subject("b", STORY, source="other"))
    assert va == Verdict("original", a.id, None, None, 0)
    assert vb.status == "duplicate" and vb.duplicate_of == a.id == vb.cluster_id and vb.similarity == 1.0


def test_near_copy_and_trimmed_copy_point_at_the_original() -> None:
    store = LocalStore(PARAMS.horizon_s)
    a = subject("a", STORY)
    decide(store, a)
    edited = STORY.replace("Friday", "Saturday", 2).replace("fuel", "diesel", 1)
    trimmed = STORY[: len(STORY) * 2 // 3]
    (v1,) = decide(store, subject("b", edited))
    (v2,) = decide(store, subject("c", trimmed))
    assert (v1.status, v1.duplicate_of) == ("duplicate", a.id)
    assert (v2.status, v2.duplicate_of) == ("duplicate", a.id)
    assert v2.similarity is not None and v2.similarity >= PARAMS.containment


def test_different_story_is_original() -> None:
    store = LocalStore(PARAMS.horizon_s)
    decide(store, subject("a", STORY))
    (v,) = decide(store, subject("b", OTHER))
    assert v.status == "original"


def test_revision_resend_and_redelivery() -> None:
    store = LocalStore(PARAMS.horizon_s)
    first = subject("a", STORY, origin="raw/0/1")
    (v0,) = decide(store, first)
    changed = subject("a", STORY + " An update adds this sentence.", origin="raw/0/2")
    (v1,) = decide(store, changed)
    assert (v1.status, v1.revision, v1.cluster_id) == ("revision", 1, v0.cluster_id)
    (resend,) = decide(store, subject("a", STORY + " An update adds this sentence.", origin="raw/0/3"))
    assert (resend.status, resend.duplicate_of, resend.revision) == ("duplicate", first.id, 1)
    (again,) = decide(store, changed)  # the same Kafka message delivered again after a crash
    assert again == v1


def test_batch_gives_the_same_verdicts_as_one_at_a_time() -> None:
    bodies = [STORY, OTHER, STORY.replace("Ankara", "Istanbul"), OTHER[:2000], STORY, "Short item."]
    subjects = [subject(str(i), b, t=1_700_000_000 + i) for i, b in enumerate(bodies)]
    one_by_one = LocalStore(PARAMS.horizon_s)
    sequential = [decide(one_by_one, s)[0] for s in subjects]
    batched = decide(LocalStore(PARAMS.horizon_s), *subjects)
    assert batched == sequential
    assert [v.status for v in batched] == ["original", "original", "duplicate", "duplicate", "duplicate", "original"]


def test_horizon_forgets_old_articles() -> None:
    store = LocalStore(PARAMS.horizon_s)
    decide(store, subject("a", STORY, t=1_700_000_000))
    (v,) = decide(store, subject("b", STORY, t=1_700_000_000 + 8 * DAY))
    assert v.status == "original"
