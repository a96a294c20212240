"""Whether an element is hidden by CSS, and how — so link checks can tell menus from spam.

Only what can be decided from the page itself: inline ``style``, the HTML ``hidden``
attribute, and rules of ``<style>`` blocks whose selector is a plain ``.class``, ``#id`` or
``tag`` (optionally ``tag.class``/``tag#id``).  External stylesheets and scripts are not run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .dom import iter_elements, tag_of

MAX_CSS = 500_000
OFFSCREEN_PX = -999

_RULE = re.compile(r"([^{}@]+)\{([^{}]*)\}")
_LENGTH = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(px|pt|em|rem|%)?$")
_RELEVANT = frozenset({"display", "visibility", "position", "left", "top", "text-indent", "overflow",
                       "width", "height", "font-size"})
_SIMPLE_SELECTOR = re.compile(r"^([a-z][a-z0-9]*)?(?:([.#])([\w-]+))?$", re.I)


def declarations(style: str | None) -> dict[str, str]:
    """``display:none; Left:-9999px`` → {"display": "none", "left": "-9999px"} (last wins)."""
    out: dict[str, str] = {}
    for part in (style or "")[:5000].split(";"):
        name, sep, value = part.partition(":")
        if sep:
            out[name.strip().lower()] = value.replace("!important", "").strip().lower()
    return out


def _number(value: str | None) -> float | None:
    m = _LENGTH.match((value or "").strip())
    return float(m.group(1)) if m else None


def hiding_reason(decl: dict[str, str]) -> str:
    """Why these declarations hide an element ('' when they do not)."""
    if decl.get("display") == "none":
        return "display:none"
    if decl.get("visibility") in ("hidden", "collapse"):
        return "visibility:hidden"
    if decl.get("position") in ("absolute", "fixed"):
        for side in ("left", "top"):
            n = _number(decl.get(side))
            if n is not None and n <= OFFSCREEN_PX:
                return f"off-screen ({side}:{decl[side]})"
    indent = _number(decl.get("text-indent"))
    if indent is not None and indent <= OFFSCREEN_PX:
        return "off-screen (text-indent)"
    if decl.get("overflow") == "hidden" and any(_number(decl.get(k)) == 0 for k in ("width", "height")):
        return "zero size with overflow:hidden"
    if _number(decl.get("font-size")) == 0:
        return "font-size:0"
    return ""


@dataclass
class StyleRules:
    """Declarations of the page's ``<style>`` blocks, indexed by simple selector."""

    by_class: dict[str, dict[str, str]] = field(default_factory=dict)
    by_id: dict[str, dict[str, str]] = field(default_factory=dict)
    by_tag: dict[str, dict[str, str]] = field(default_factory=dict)

    def declared(self, el: etree._Element) -> tuple[dict[str, str], str]:
        """Merged declarations for ``el`` (tag < class < id < inline) and the rules that gave them."""
        decl: dict[str, str] = {}
        sources: list[str] = []
        tag = tag_of(el)
        if tag in self.by_tag:
            decl.update(self.by_tag[tag])
            sources.append(tag)
        for cls in (el.get("class") or "").split()[:20]:
            if cls in self.by_class:
                decl.update(self.by_class[cls])
                sources.append("." + cls)
        ident = el.get("id")
        if ident and ident in self.by_id:
            decl.update(self.by_id[ident])
            sources.append("#" + ident)
        return decl, " ".join(sources)


def _without_print_media(css: str) -> str:
    """Drop ``@media print {…}`` blocks: what hides on paper is visible on screen."""
    out, i = [], 0
    for m in re.finditer(r"@media[^{]*print[^{]*\{", css, re.I):
        if m.start() < i:
            continue
        out.append(css[i:m.start()])
        depth, j = 1, m.end()
        while j < len(css) and depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        i = j
    out.append(css[i:])
    return "".join(out)


def style_rules(root: etree._Element) -> StyleRules:
    """Collect the simple-selector rules of every ``<style>`` block (others are ignored)."""
    rules = StyleRules()
    css = "\n".join((s.text or "") for s in iter_elements(root, frozenset({"style"})))[:MAX_CSS]
    for selectors, body in _RULE.findall(_without_print_media(css)):
        decl = {k: v for k, v in declarations(body).items() if k in _RELEVANT}
        if not decl:
            continue
        for selector in selectors.split(","):
            _add_selector(rules, selector.strip(), decl)
    return rules


def _add_selector(rules: StyleRules, selector: str, decl: dict[str, str]) -> None:
    m = _SIMPLE_SELECTOR.match(selector)
    if not m or not selector:
        return
    tag, kind, name = m.groups()
    if kind == ".":
        rules.by_class.setdefault(name, {}).update(decl)
    elif kind == "#":
        rules.by_id.setdefault(name, {}).update(decl)
    elif tag:
        rules.by_tag.setdefault(tag.lower(), {}).update(decl)


def own_reason(el: etree._Element, rules: StyleRules) -> tuple[str, dict[str, str]]:
    """Why ``el`` itself (not an ancestor) is hidden ('' when it is not), and its declarations."""
    if el.get("hidden") is not None:
        return "hidden attribute", {}
    decl, sources = rules.declared(el)
    inline = declarations(el.get("style"))
    decl.update(inline)
    reason = hiding_reason(decl)
    if reason and not hiding_reason(inline):
        reason = f"{reason} via <style> rule {sources}"
    return reason, decl


def still_hidden(inherited: str, decl: dict[str, str]) -> bool:
    """Whether an ancestor's hiding survives this element's own declarations.

    ``display:none`` and off-screen boxes hide every descendant; ``visibility:hidden`` and
    ``font-size:0`` are inherited values a descendant can set back (a common menu-spacing trick).
    """
    if inherited.startswith("visibility"):
        return decl.get("visibility") not in ("visible",)
    if inherited.startswith("font-size"):
        return "font-size" not in decl or _number(decl["font-size"]) == 0
    return True
