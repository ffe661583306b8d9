"""tagging: regions and IPTC Media Topics of a normalised article."""

from __future__ import annotations

from ingest.core.model import Normalised, Tags


class Tagger:
    """Tags articles. Foundation version: no gazetteer loaded yet, so no tags."""

    version = "none"

    @classmethod
    def load(cls) -> Tagger:
        return cls()

    def tag(self, norm: Normalised) -> Tags:
        return Tags(regions=(), topics=(), taxonomy_version=self.version)
