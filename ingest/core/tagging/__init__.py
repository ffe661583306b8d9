"""tagging: the countries (with TR/SY/IQ provinces and places) and IPTC Media Topics of an article.

One Aho-Corasick pass over the title and body finds every gazetteer alias and topic cue
(`matcher`); the scorer turns the matches into scored, explained tags (`scoring` states how).
Both run in Rust (`ingest._native`, built from native/); the data comes from versioned files
under ingest/data, prepared here once, and the enriched record carries their versions as
`taxonomy_version`.
"""

from __future__ import annotations

from ingest.core.model import Normalised, Tags
from ingest.core.tagging.gazetteer import Gazetteer, load


class Tagger:
    """Tags normalised articles; build once (`Tagger.load()`), reuse for every article."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.version = gazetteer.version
        self._tag = gazetteer.scorer.tag

    @classmethod
    def load(cls) -> Tagger:
        return cls(load())

    def tag(self, norm: Normalised) -> Tags:
        title = norm.title
        text = f"{title}\n\n{norm.body}"
        body_start = len(title) + 2
        dateline_end = body_start + len(norm.dateline) if norm.dateline else body_start
        regions, topics = self._tag(text, len(title), dateline_end, body_start + len(norm.lead), norm.language)
        return Tags(regions=regions, topics=topics, taxonomy_version=self.version)
