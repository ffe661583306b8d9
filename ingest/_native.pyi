"""Types of the Rust extension built from native/ (see native/src/lib.rs)."""

from typing import Any

from ingest.core.model import RegionTag, TopicTag

class Automaton:
    """The automaton over folded, word-padded patterns (ingest/core/tagging/matcher.py)."""

    def __init__(
        self, patterns: list[str], leads: list[int], rich: list[bool], alnum_runs: list[tuple[int, int]]
    ) -> None: ...
    @property
    def size(self) -> int: ...
    def find(self, text: str) -> tuple[list[tuple[int, int, int]], list[int], str]: ...

class Scorer:
    """Region and topic scoring over an automaton's matches, with the plan of gazetteer.load()."""

    def __init__(self, automaton: Automaton, plan: str, classes: tuple[type[Any], ...]) -> None: ...
    def tag(
        self, text: str, title_end: int, dateline_end: int, lead_end: int, language: str
    ) -> tuple[tuple[RegionTag, ...], tuple[TopicTag, ...]]: ...
