"""Hanweb (大汉) lists: records hidden in a script, further records from a POST to dataproxy.jsp.

A column page ``/col/col1234/index.html`` carries its first records inside
``<script type="text/xml"><datastore>…<recordset><record><![CDATA[<li>…</li>]]></record>``; a DOM
parser sees only script text, so the records are cut out as strings and each parsed as a
fragment.  The rest come from ``dataproxy.jsp?startrecord=46&endrecord=90&perpage=15`` (POST),
whose form (col, appid, webid, path, columnid, sourceContentType, unitid, webname,
permissiontype) comes from the datastore's ``<nextgroup>`` link or an init-script object, and
whose batch size is groupSize × perPage from the ``jpage({...})`` call.  The endpoint lives at
one of several paths: the one the page names is used and the others go in ``alternates``.
``index_N.html`` does not exist on Hanweb.
"""

from __future__ import annotations

import html as html_lib
import math
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

from gongkai.crawler.markup import absolute_url, base_url, parse_document, parse_fragment, split_url

from .generic import next_from_pager
from .items import heading_year, page_items, record_items
from .jsrender import loads_list_by_script
from .listpage import MAX_ITEMS, MAX_PAGES, MAX_RECORDS, ListPage, PageRequest, bounded_int
from .paging import read_pager

PROXY_PATHS = (
    "/module/web/jpage/dataproxy.jsp",
    "/module/jpage/dataproxy.jsp",
    "/module/jslib/jquery/jpage/dataproxy.jsp",
)
FORM_KEYS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname",
             "permissiontype")
DEFAULT_PER_PAGE = 15
DEFAULT_GROUP_SIZE = 3
MAX_BATCH = 1000            # records asked for in one POST
MAX_BLOCKS = 20             # datastores / init objects examined on one page
_KEY_CANON = {k.lower(): k for k in FORM_KEYS}
_COLUMN_URL = re.compile(r"/col/col(\d{1,12})/")
_HREF = re.compile(r"""href\s*=\s*["']([^"']{1,2000})["']""", re.IGNORECASE)
_PAIR = re.compile(r"""["']?([A-Za-z]\w{0,30})["']?\s*:\s*(?:"([^"]{0,500})"|'([^']{0,500})'|([^,}\s]{1,200}))""")
_OPTION_INT = {name: re.compile(name + r"""\s*["']?\s*:\s*["']?(\d{1,12})""") for name in
               ("perPage", "groupSize", "totalRecord")}
_PROXY_OPTION = re.compile(r"""proxyUrl\s*["']?\s*:\s*["']([^"']{1,300})["']""")
_JPAGE_SRC = re.compile(r"""src\s*=\s*["']([^"']{0,300}/)jpage\.js""", re.IGNORECASE)
_SELECTOR = re.compile(r"""\$\(\s*["']#([\w-]{1,40})["']\s*\)\s*\.\s*$""")
_XML_INT = {tag: re.compile(rf"<{tag}>\s*(\d{{1,12}})\s*</{tag}>", re.IGNORECASE) for tag in
            ("totalrecord", "totalpage")}


@dataclass
class Datastore:
    """One ``<datastore>`` block: its record fragments and what its nextgroup link says."""

    records: list[str] = field(default_factory=list)
    nextgroup: str | None = None
    total: int | None = None


@dataclass
class JpageOptions:
    """The ``jpage({...})`` call that pages the list in the browser."""

    per_page: int = DEFAULT_PER_PAGE
    group_size: int = DEFAULT_GROUP_SIZE
    total: int | None = None
    proxy: str | None = None

    @property
    def batch(self) -> int:
        return max(1, min(self.per_page * self.group_size, MAX_BATCH))


def is_dataproxy_response(html: str, url: str) -> bool:
    head = html.lstrip()[:300].lower()
    return "dataproxy.jsp" in url.lower() or head.startswith(("<?xml", "<datastore"))


def parse(html: str, url: str, request: PageRequest | None = None) -> ListPage:
    if is_dataproxy_response(html, url):
        return _parse_response(html, url, request)
    return _parse_column(html, url, request)


# --- the column page -------------------------------------------------------------------------

def _parse_column(html: str, url: str, request: PageRequest | None) -> ListPage:
    tree = parse_document(html)
    base = base_url(tree, url)
    store = _main_datastore(html)
    form = column_form(html, url, store)
    found = _jpage_options(html, form.get("unitid"))
    if store is None and not (form and found):
        pager = read_pager(tree, base, url)          # a Hanweb site with a static list
        items = page_items(tree, base, url)
        next_page = next_from_pager(pager, request)
        return ListPage("hanweb", items, next_page, pager.total_pages, pager.total_records,
                        js_only=not items and next_page is None and loads_list_by_script(tree))
    options = found or JpageOptions()
    records = store.records if store else []
    items = record_items((parse_fragment(r) for r in records), base, heading_year(tree))
    total = options.total if options.total is not None else (store.total if store else None)
    shown = len(records)
    more = shown < total if total is not None else (store is None or shown >= options.per_page)
    next_page = None
    if form and more:
        proxy = _proxy_path(html, options, store)
        proxy_url = absolute_url(proxy, base) or urljoin(base, PROXY_PATHS[0])
        next_page = _proxy_request(proxy_url.split("?", 1)[0], form, shown + 1, options.batch, options.per_page,
                                   page_number=1)
    return ListPage(
        dialect="hanweb",
        items=items,
        next_page=next_page,
        total_pages=_pages(0, shown, total, options.batch),
        total_records=total,
        js_only=not items and next_page is None and bool(total) and loads_list_by_script(tree),
    )


def _main_datastore(html: str) -> Datastore | None:
    """The datastore with most records (a page may carry small side lists of its own)."""
    best: Datastore | None = None
    pos = 0
    for _ in range(MAX_BLOCKS):
        start = html.find("<datastore", pos)
        if start < 0:
            break
        end = html.find("</datastore>", start)
        end = len(html) if end < 0 else end
        store = _datastore(html[start:end])
        if best is None or len(store.records) > len(best.records):
            best = store
        pos = end + 1
    return best


def _datastore(block: str) -> Datastore:
    store = Datastore(records=_records(block), total=_xml_int("totalrecord", block))
    ng_start = block.find("<nextgroup")
    if ng_start >= 0:
        ng_end = block.find("</nextgroup>", ng_start)
        m = _HREF.search(block[ng_start:ng_end if ng_end > 0 else ng_start + 3000])
        if m:
            store.nextgroup = m.group(1).replace("&amp;", "&")
    return store


def _records(block: str) -> list[str]:
    """The markup of each ``<record>``: CDATA content, or escaped markup unescaped."""
    out: list[str] = []
    pos = 0
    while len(out) < MAX_ITEMS:
        start = block.find("<record", pos)
        if start < 0:
            break
        open_end = block.find(">", start)
        if open_end < 0:
            break
        if block[start + 7:start + 8] not in (">", " ", "\t", "\n", "\r"):   # <recordset>
            pos = open_end + 1
            continue
        close = block.find("</record>", open_end)
        close = len(block) if close < 0 else close
        inner = block[open_end + 1:close].strip()
        if inner.startswith("<![CDATA["):
            inner = inner[9:]
            cut = inner.rfind("]]>")
            inner = inner[:cut] if cut >= 0 else inner
        else:
            inner = html_lib.unescape(inner)
        out.append(inner)
        pos = close + 9
    return out


# --- the form and the jpage options ----------------------------------------------------------

def column_form(html: str, url: str, store: Datastore | None) -> dict[str, str]:
    """The dataproxy form: the nextgroup link's query, completed from an init-script object
    (``{"col":1,"appid":1,"webid":2,…,"columnid":1234,…}``) and the column URL.  Empty when no
    column id can be found — a request without one would fetch some other list."""
    form: dict[str, str] = {}
    nextgroup = split_url(store.nextgroup) if store and store.nextgroup else None
    if nextgroup:
        form.update(_form_fields(parse_qsl(nextgroup.query, keep_blank_values=True)))
    for obj in _script_objects(html):
        if "columnid" in form and obj.get("columnid") not in (None, form["columnid"]):
            continue
        for key, value in obj.items():
            form.setdefault(key, value)
    if "columnid" not in form and (m := _COLUMN_URL.search(urlsplit(url).path)):
        form["columnid"] = m.group(1)
    if "columnid" not in form or not ({"webid", "unitid"} & form.keys()):
        return {}
    form.setdefault("col", "1")
    form.setdefault("sourceContentType", "1")
    form.setdefault("permissiontype", "0")
    return {key: form[key] for key in FORM_KEYS if key in form}


def _form_fields(pairs) -> dict[str, str]:
    out = {}
    for key, value in pairs:
        canon = _KEY_CANON.get(key.lower())
        if canon and len(value) <= 500:
            out[canon] = value
    return out


def _script_objects(html: str):
    """Object literals in the page that name a ``columnid`` (the jpage form object)."""
    pos = 0
    for _ in range(MAX_BLOCKS):
        at = html.find("columnid", pos)
        if at < 0:
            return
        pos = at + 8
        open_at = html.rfind("{", max(0, at - 1500), at)
        close_at = html.find("}", at, at + 1500)
        if open_at < 0 or close_at < 0:
            continue
        body = html[open_at + 1:close_at]
        pairs = ((m.group(1), next(g for g in m.groups()[1:] if g is not None)) for m in _PAIR.finditer(body))
        fields = _form_fields(pairs)
        if "columnid" in fields:
            yield fields


def _jpage_options(html: str, unitid: str | None) -> JpageOptions | None:
    """Options of the jpage call for this list (the one on ``$('#<unitid>')`` if several)."""
    found: JpageOptions | None = None
    pos = 0
    for _ in range(MAX_BLOCKS):
        at = html.find(".jpage(", pos)
        if at < 0:
            break
        pos = at + 7
        window = html[at:at + 3000]
        close = window.find("})")
        window = window[:close] if close > 0 else window
        options = JpageOptions(
            per_page=_option_int("perPage", window) or DEFAULT_PER_PAGE,
            group_size=_option_int("groupSize", window) or DEFAULT_GROUP_SIZE,
            total=_option_int("totalRecord", window, allow_zero=True),
        )
        if m := _PROXY_OPTION.search(window):
            options.proxy = m.group(1)
        selector = _SELECTOR.search(html[max(0, at - 80):at + 1])
        if found is None or (unitid and selector and selector.group(1) == unitid):
            found = options
    return found


def _option_int(name: str, window: str, allow_zero: bool = False) -> int | None:
    m = _OPTION_INT[name].search(window)
    value = bounded_int(m.group(1), MAX_RECORDS) if m else None
    return value if value or (allow_zero and value == 0) else None


def _proxy_path(html: str, options: JpageOptions | None, store: Datastore | None) -> str:
    """The endpoint the page itself names: jpage's proxyUrl, the nextgroup link, or the folder
    jpage.js is loaded from; the commonest path otherwise."""
    if options and options.proxy:
        return options.proxy
    nextgroup = split_url(store.nextgroup) if store and store.nextgroup else None
    if nextgroup and nextgroup.path.endswith("dataproxy.jsp"):
        return nextgroup.path
    if m := _JPAGE_SRC.search(html):
        return m.group(1) + "dataproxy.jsp"
    return PROXY_PATHS[0]


# --- the dataproxy response ------------------------------------------------------------------

def _parse_response(text: str, url: str, request: PageRequest | None) -> ListPage:
    query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    records = _records(text)
    items = record_items((parse_fragment(r) for r in records), url)
    total = _xml_int("totalrecord", text)
    start = bounded_int(query.get("startrecord"), MAX_RECORDS) or 1
    end = bounded_int(query.get("endrecord"), MAX_RECORDS) or start + max(len(records), 1) - 1
    batch = max(1, min(end - start + 1, MAX_BATCH))                  # the range just asked for
    per_page = bounded_int(query.get("perpage"), MAX_BATCH) or DEFAULT_PER_PAGE
    index = request.page_number if request and request.page_number is not None else (start - 1) // batch
    form = dict(request.formdata) if request and request.formdata else _form_fields(query.items())
    more = end < total if total is not None else len(records) >= batch
    next_page = None
    if form.get("columnid") and records and more and index + 1 < MAX_PAGES:
        next_page = _proxy_request(url.split("?", 1)[0], form, end + 1, batch, per_page, page_number=index + 1)
    return ListPage(
        dialect="hanweb",
        items=items,
        next_page=next_page,
        total_pages=_pages(index, end, total, batch),
        total_records=total,
    )


def _proxy_request(proxy_url: str, form: dict[str, str], start: int, batch: int, per_page: int,
                   page_number: int) -> PageRequest:
    """POST for records ``start`` … ``start + batch - 1``, with the other endpoint paths as
    alternates on the same host."""
    query = f"?startrecord={start}&endrecord={start + batch - 1}&perpage={per_page}"
    here = urlsplit(proxy_url)
    root = f"{here.scheme}://{here.netloc}"
    alternates = [root + path + query for path in PROXY_PATHS if path != here.path]
    return PageRequest(url=proxy_url + query, method="POST", formdata=dict(form), alternates=alternates,
                       page_number=page_number)


def _pages(index: int, last_record: int, total: int | None, batch: int) -> int | None:
    """Requests in all: those up to this one plus enough batches for the records left."""
    if total is None:
        return None
    return min(index + 1 + math.ceil(max(0, total - last_record) / batch), MAX_PAGES)


def _xml_int(tag: str, text: str) -> int | None:
    m = _XML_INT[tag].search(text[:5000]) or _XML_INT[tag].search(text[-5000:])
    return bounded_int(m.group(1), MAX_RECORDS) if m else None
