"""tagging: the countries (with TR/SY/IQ provinces and places) and IPTC Media Topics of an article.

One Aho-Corasick pass over the title and body finds every gazetteer alias and topic cue
(`matcher`); `regions` and `topics` turn the hits into scored, explained tags. All data comes from
versioned files under ingest/data; the enriched record carries their versions as
`taxonomy_version`.
"""

from __future__ import annotations

from ingest.core.model import Normalised, Tags
from ingest.core.tagging.gazetteer import Gazetteer, load
from ingest.core.tagging.regions import Zones, tag_regions
from ingest.core.tagging.topics import tag_topics


class Tagger:
    """Tags normalised articles; build once (`Tagger.load()`), reuse for every article."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.version = gazetteer.version

    @classmethod
    def load(cls) -> Tagger:
        return cls(load())

    def tag(self, norm: Normalised) -> Tags:
        title = norm.title
        text = f"{title}\n\n{norm.body}"
        body_start = len(title) + 2
        dateline_end = body_start + len(norm.dateline) if norm.dateline else body_start
        zones = Zones(len(title), dateline_end, body_start + len(norm.lead), len(text))
        found = self.gazetteer.matcher.find(text)
        regions = tag_regions(self.gazetteer, text, found.folded, found.hits, zones)
        topics = tag_topics(self.gazetteer, found.spans, text, zones, norm.language)
        return Tags(regions=regions, topics=topics, taxonomy_version=self.version)
