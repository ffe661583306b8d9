"""Article text and metadata out of an HTML page or fragment.

Parsing is lexbor's (selectolax), a C HTML5 parser that is linear on hostile input (deep
nesting, a 2 MiB page of one line). Extraction:
1. drop what is never article text: scripts, styles, forms, navigation, headers, footers,
   asides, figures and captions, iframes, and elements whose class/id/role says comments,
   share, related, sidebar, cookie, newsletter, advert, breadcrumb, tags, author box ...;
2. pick the container: an explicit article body (itemprop=articleBody, known body classes),
   else the element whose direct paragraphs hold the most text (a readability-style score);
3. paragraphs are its <p>, <blockquote> and list items in document order; a container with no
   <p> (legacy pages) is split on blank lines and double <br>.
Metadata: title from og:title, else <h1>, else <title>; byline from meta author, rel=author or a
byline element; canonical link; published time from article:published_time or JSON-LD (used only
when the producer sent none).

Hostile pages: HTML5 tree building is quadratic in nesting depth (lexbor needs ~7 s for 50,000
nested <div>s). A page with many tags is first scanned (one linear regular-expression pass) and,
nested deeper than `MAX_DEPTH`, reduced to text by stripping tags instead of being parsed.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

_DROP = frozenset(
    "script style noscript template svg canvas iframe object embed form button select input textarea nav "
    "header footer aside figure figcaption picture video audio dialog menu h1 h2 h3 h4 h5 h6 head title".split()
)
_BOILER = re.compile(
    r"comment|share|sharing|social|related|sidebar|side-bar|cookie|consent|gdpr|newsletter|subscribe|advert|"
    r"\bads?\b|ad-|banner|promo|sponsor|breadcrumb|\btags?\b|tag-list|author-bio|about-author|popular|most-read|"
    r"mostread|trending|widget|recommend|read-more|readmore|more-news|also-read|footer|header|menu|\bnav|"
    r"pagination|caption|gallery|print|toolbar|rating|outbrain|taboola|disqus|modal|popup|overlay|skip",
    re.IGNORECASE,
)
_BODY_HINT = re.compile(
    r"article[-_]?(body|content|text)|entry[-_]?content|post[-_]?(body|content)|story[-_]?(body|content)|"
    r"news[-_]?(body|content|text)|body[-_]?text|content[-_]?body|articlebody|haber[-_]?(detay|metin|icerik)",
    re.IGNORECASE,
)
_BLANK = re.compile(r"\n[ \t\r\f\v]*\n")
MAX_DEPTH = 1000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})[^<>]{0,2000}?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|h[1-6]|blockquote|section|article|tr|td|table|ul|ol)\b[^<>]{0,2000}?>", re.IGNORECASE
)
_ANY_TAG = re.compile(r"<[^<>]{0,2000}>")
_SCRIPTS = re.compile(r"<(script|style)\b.{0,200000}?</\1\s*>", re.IGNORECASE | re.DOTALL)


def nesting_depth(html: str) -> int:
    """Deepest element nesting, counted from the tags alone (linear, no tree)."""
    depth = deepest = 0
    for m in _TAG.finditer(html):
        closing, name, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            depth = max(0, depth - 1)
        elif name not in _VOID and not self_closing:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _stripped_text(html: str) -> list[str]:
    """Text of a page too deep to parse: scripts dropped, block tags as paragraph breaks."""
    text = _SCRIPTS.sub(" ", html)
    text = _BLOCK_TAG.sub("\n\n", text)
    text = html_lib.unescape(_ANY_TAG.sub(" ", text))
    return [" ".join(chunk.split()) for chunk in _BLANK.split(text) if chunk.strip()]


_BYLINE_PREFIX = re.compile(r"^(?:by|yazan|from)\s+", re.IGNORECASE)
_PARA_TAGS = frozenset({"p", "blockquote", "li", "pre", "dd"})


@dataclass(frozen=True, slots=True)
class Page:
    title: str | None
    paragraphs: tuple[str, ...]
    byline: str | None = None
    canonical: str | None = None
    published: str | None = None


def _meta(tree: LexborHTMLParser, *selectors: str) -> str | None:
    for sel in selectors:
        node = tree.css_first(sel)
        if node is not None:
            value = (node.attributes.get("content") or node.attributes.get("href") or "").strip()
            if value:
                return value
    return None


def _json_ld(tree: LexborHTMLParser) -> tuple[str | None, str | None]:
    """(datePublished, author name) from the page's JSON-LD, if any."""
    published = author = None
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = orjson.loads(node.text(deep=True) or "null")
        except orjson.JSONDecodeError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if not isinstance(item, dict):
                continue
            if published is None and isinstance(item.get("datePublished"), str):
                published = item["datePublished"]
            who = item.get("author")
            who = who[0] if isinstance(who, list) and who else who
            if author is None and isinstance(who, dict) and isinstance(who.get("name"), str):
                author = who["name"]
    return published, author


def _is_boiler(node: LexborNode) -> bool:
    attrs = node.attributes
    marker = f"{attrs.get('class') or ''} {attrs.get('id') or ''} {attrs.get('role') or ''}"
    if not marker.strip() or _BODY_HINT.search(marker):
        return False
    return bool(_BOILER.search(marker)) or (attrs.get("role") or "") in (
        "navigation",
        "banner",
        "contentinfo",
        "complementary",
    )


_INLINE = frozenset(
    "a abbr b bdi bdo cite code data dfn em font i kbd mark q s samp small span strong sub sup time tt u var wbr ins del".split()
)


def _text(node: LexborNode) -> str:
    """The node's text; inline elements add no space, <br> and block elements do."""
    parts: list[str] = []
    for child in node.traverse(include_text=True):
        tag = child.tag
        if tag == "-text":
            parts.append(child.text_content or "")
        elif tag == "br":
            parts.append("\n")
        elif tag not in _INLINE and child is not node:
            parts.append(" ")
    return " ".join("".join(parts).split())


@dataclass(slots=True)
class _Block:
    text: str
    ancestors: tuple[int, ...]  # mem_ids, nearest first, at most _DEPTH


_DEPTH = 12


def _walk(root: LexborNode) -> tuple[list[_Block], dict[int, LexborNode], set[int]]:
    """Paragraph blocks outside boilerplate, in document order (iterative: deep pages are fine)."""
    blocks: list[_Block] = []
    nodes: dict[int, LexborNode] = {}
    hinted: set[int] = set()
    stack: list[tuple[LexborNode, tuple[int, ...]]] = [(root, ())]
    while stack:
        node, ancestors = stack.pop()
        tag = node.tag
        if tag in _DROP or (tag not in ("html", "body") and _is_boiler(node)):
            continue
        if tag in _PARA_TAGS:
            text = _text(node)
            if text:
                blocks.append(_Block(text, ancestors))
            continue
        ident = node.mem_id
        nodes[ident] = node
        marker = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.attributes.get("itemprop") == "articleBody" or tag == "article" or _BODY_HINT.search(marker):
            hinted.add(ident)
        inner = (ident, *ancestors)[:_DEPTH]
        children = [c for c in node.iter(include_text=False)]
        stack.extend((c, inner) for c in reversed(children))
    return blocks, nodes, hinted


def _choose(blocks: list[_Block], hinted: set[int]) -> int | None:
    """The container: the ancestor collecting most paragraph text (explicit article hints win)."""
    scores: dict[int, float] = {}
    for block in blocks:
        n = len(block.text)
        if n < 25:
            continue
        weight = n + (100 if n > 150 else 0)
        for depth, ident in enumerate(block.ancestors[:3]):
            scores[ident] = scores.get(ident, 0.0) + weight / (1, 2, 4)[depth]
    if not scores:
        return None
    best = max(scores, key=lambda i: scores[i])
    hinted_scores = [(scores.get(i, 0.0), i) for i in hinted if scores.get(i, 0.0) > 0]
    if hinted_scores:
        score, ident = max(hinted_scores)
        if score >= 0.3 * scores[best]:
            return ident
    return best


def _direct_text(node: LexborNode) -> str:
    """Text of the node's own text children and inline children; <br> becomes a newline."""
    parts: list[str] = []
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag == "br":
            parts.append("\n")
        elif child.tag in _INLINE and not _is_boiler(child):
            parts.append(_text(child))
        else:
            parts.append("\n\n")
    return "".join(parts)


def _legacy_paragraphs(nodes: dict[int, LexborNode]) -> list[str]:
    """Pages without <p>: the element with the most direct text, split on blank lines / double <br>."""
    best, best_text = None, ""
    for node in nodes.values():
        if node.tag in ("td", "div", "section", "article", "main", "font", "center", "body"):
            text = _direct_text(node)
            if len(text.strip()) > len(best_text.strip()):
                best, best_text = node, text
    if best is None or len(best_text.strip()) < 200:
        return []
    out = []
    for chunk in _BLANK.split(best_text):
        text = " ".join(chunk.split())
        if text:
            out.append(text)
    return out


def extract_html(html: str) -> Page:
    if html.count("<") > 5000 and nesting_depth(html) > MAX_DEPTH:
        return Page(title=None, paragraphs=tuple(_stripped_text(html)))
    tree = LexborHTMLParser(html)
    title = _meta(tree, 'meta[property="og:title"]', 'meta[name="twitter:title"]')
    if not title:
        h1 = tree.css_first("h1")
        title = _text(h1) if h1 is not None else None
    if not title:
        node = tree.css_first("title")
        title = _text(node) if node is not None else None
    ld_published, ld_author = _json_ld(tree)
    byline = _meta(tree, 'meta[name="author"]', 'meta[property="article:author"]') or ld_author
    if not byline:
        node = tree.css_first('[rel="author"], .byline, .author-name, [itemprop="author"]')
        byline = _text(node) if node is not None else None
    if byline:
        byline = _BYLINE_PREFIX.sub("", byline).strip() or None
        if byline and (byline.startswith("http") or len(byline) > 120):
            byline = None
    canonical = _meta(tree, 'link[rel="canonical"]', 'meta[property="og:url"]')
    published = _meta(tree, 'meta[property="article:published_time"]', 'meta[itemprop="datePublished"]') or ld_published
    root = tree.body or tree.root
    paras: list[str] = []
    if root is not None:
        blocks, nodes, hinted = _walk(root)
        container = _choose(blocks, hinted)
        if container is not None:
            paras = [b.text for b in blocks if container in b.ancestors]
        elif len(blocks) <= 20:  # a short fragment: no container stands out, take its paragraphs
            paras = [b.text for b in blocks]
        if not paras or sum(map(len, paras)) < 200:
            legacy = _legacy_paragraphs(nodes)
            if sum(map(len, legacy)) > sum(map(len, paras)):
                paras = legacy
    return Page(title=title, paragraphs=tuple(paras), byline=byline, canonical=canonical, published=published)
