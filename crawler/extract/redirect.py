"""Home pages that are only a script redirect: ``location.href = "/col/col3664/index.html"``.

Many portals answer their bare domain with a stub page whose only job is to send the browser on
(引导页跳转), often with the URL split into concatenated strings to dodge scanners.  Scrapy follows
``<meta http-equiv=refresh>`` itself but not scripts; this reads the common forms — never by
running the script: only string literals joined with ``+`` are understood.
"""

from __future__ import annotations

import re

from gongkai.crawler.markup import absolute_url, parse_document

MAX_STUB_TEXT = 300  # a page showing more visible text than this is a real page, not a stub
_LITERALS = r"""((?:\s*(?:'[^'\n]{0,500}'|"[^"\n]{0,500}")\s*\+?)+)"""
_ASSIGN = re.compile(r"(?:window\.|self\.|top\.|parent\.|document\.)*(?:top\.)?location(?:\.href)?\s*=\s*" + _LITERALS)
_CALL = re.compile(r"location\.(?:replace|assign)\(\s*" + _LITERALS + r"\s*\)")
_STRING = re.compile(r"""'([^'\n]*)'|"([^"\n]*)\"""")


def _join(literals: str) -> str:
    return "".join(a or b for a, b in _STRING.findall(literals))


def script_redirect(html: str, url: str) -> str | None:
    """The absolute URL a redirect-stub page sends the browser to, or None for a real page."""
    root = parse_document(html)
    scripts = [s.text or "" for s in root.iter("script") if not s.get("src")]
    for el in list(root.iter("script", "style", "title", "noscript")):
        el.drop_tree()
    if len(" ".join(root.text_content().split())) > MAX_STUB_TEXT:
        return None
    for script in scripts:
        for rx in (_ASSIGN, _CALL):
            match = rx.search(script[:20_000])
            if match:
                target = absolute_url(_join(match.group(1)), url)
                if target and target.split("#")[0] != url.split("#")[0]:
                    return target
    return None
