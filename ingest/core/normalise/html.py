"""Article text out of an HTML page (foundation version: the page's <p> elements)."""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser


@dataclass(frozen=True, slots=True)
class Page:
    title: str | None
    paragraphs: tuple[str, ...]


def extract_html(html: str) -> Page:
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript, nav, header, footer, aside, form"):
        node.decompose()
    title_node = tree.css_first("h1") or tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    paras = tuple(t for t in (p.text(separator=" ", strip=True) for p in tree.css("p")) if t)
    return Page(title=title, paragraphs=paras)
