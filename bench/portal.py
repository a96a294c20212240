"""Generate a large portal in gongkai's three list dialects, written to disk once per size.

The crawl benchmark needs tens of thousands of pages whose lists gongkai's parsers page the way
they page real portals: TRS WCM static lists (``index.html``, ``index_1.html`` … drawn by a
``createPageHTML`` call, so no link points to page 2), Hanweb 大汉 columns (15 records in a
``<datastore>`` block, the rest only through POSTs to ``dataproxy.jsp``) and generic lists
(``共N页`` and a ``下一页`` link).  Site *i* gets dialect ``DIALECTS[i % 3]``; every site has the
same columns and documents per column.  Dates fall inside the audit's look-back window so
pagination never stops early.  Generation is not timed: a tree is reused when its parameters
match (``manifest.json`` is written last, so a half-written tree is rebuilt).

Usage: ``python bench/portal.py --sites 6 --columns 5 --docs 200``
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

DIALECTS = ("trs", "hanweb", "generic")
COLUMNS = (("policy_docs", "政策文件", "zcwj"), ("notices", "通知公告", "tzgg"), ("news", "工作动态", "gzdt"),
           ("normative_docs", "规范性文件", "gfxwj"), ("interpretations", "政策解读", "zcjd"),
           ("plans", "规划计划", "ghjh"), ("personnel", "人事信息", "rsxx"), ("budgets", "预决算", "yjs"))
PER_PAGE = 20                 # TRS and generic list rows per page
HANWEB_PER_PAGE, HANWEB_GROUP = 15, 3
NEWEST = date(2024, 6, 28)    # audit 2024Q2 as of 2024-08-05: every date is inside the window
SPAN_DAYS = 170
DEFAULT_CACHE = Path("/tmp/gongkai-bench")
DOC_PATH = re.compile(r"/(?:t\d{8}_\d+|art_\d+_\d+|content_\d+)\.html$")   # an article URL path, any dialect
BODY = "<p>" + "为进一步做好相关工作，根据有关规定，现将有关事项通知如下。" * 12 + "</p>"
FOOTER = ('<div class="footer"><p>主办：{name}办公室 网站标识码：53042100{n:02d} 滇ICP备05001234号</p>'
          '<span id="_ideConac"><img src="/images/dzjg.png"></span></div>')


@dataclass(frozen=True)
class Manifest:
    """What was generated: the counts a benchmark divides by."""

    sites: int
    columns: int
    docs: int
    dialects: list[str]
    documents: int          # article pages
    static_pages: int       # every HTML page a GET can reach (homes, static list pages, articles)
    hanweb_posts: int       # dataproxy POSTs needed to page every Hanweb column

    @property
    def pages(self) -> int:
        """Pages a complete crawl fetches: the static pages and the Hanweb POST batches."""
        return self.static_pages + self.hanweb_posts


def doc_date(i: int, docs: int) -> date:
    """Newest first, spread evenly over ``SPAN_DAYS`` (several documents share a day)."""
    return NEWEST - timedelta(days=(i * SPAN_DAYS) // max(docs, 1))


def _page(title: str, head: str, body: str, site_name: str, n: int) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
            f'<div class="nav"><a href="/">首页</a></div>{body}{FOOTER.format(name=site_name, n=n)}</body></html>')


def _home(site_name: str, n: int, columns: list[tuple[str, str, str]], col_url) -> str:
    nav = "".join(f'<a href="{col_url(slug, k)}">{label}</a>' for k, (_, label, slug) in enumerate(columns))
    return _page(site_name, f'<meta name="SiteName" content="{site_name}">',
                 f'<div class="menu">{nav}</div><div class="banner"><p>欢迎访问{site_name}</p></div>', site_name, n)


def _article(title: str, day: date, site_name: str, n: int, number: str) -> str:
    meta = (f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{day} 10:00">'
            f'<meta name="ContentSource" content="{site_name}办公室">')
    table = (f'<table class="xxgk_table"><tr><td>索引号：</td><td>1153042100{n:02d}-{day.year}-{number}</td>'
             f'<td>发布机构：</td><td>{site_name}办公室</td></tr><tr><td>发文日期：</td><td>{day}</td>'
             f'<td>文号：</td><td>{site_name[:2]}政发〔{day.year}〕{number}号</td></tr></table>')
    body = (f'<div class="xxgk">{table}<h1>{title}</h1><p>发布日期：{day}</p><div class="TRS_Editor">{BODY}'
            f'<p style="text-align:right">{site_name}办公室</p>'
            f'<p style="text-align:right">{day.year}年{day.month}月{day.day}日</p><p>（此件公开发布）</p></div></div>')
    return _page(f"{title}_{site_name}", meta, body, site_name, n)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _title(label: str, site: int, col: int, i: int) -> str:
    return f"关于{label}第{site}-{col}-{i}项工作的通知"


def build_trs(root: Path, n: int, name: str, columns: list, docs: int) -> int:
    """TRS WCM: folder per column, ``createPageHTML(pages, k, "index", "html")``; returns pages written."""
    written = 1
    _write(root / "index.html", _home(name, n, columns, lambda slug, k: f"/zwgk/{slug}/"))
    pages = max(1, -(-docs // PER_PAGE))
    for k, (_, label, slug) in enumerate(columns):
        folder = root / "zwgk" / slug
        for p in range(pages):
            rows = []
            for i in range(p * PER_PAGE, min(docs, (p + 1) * PER_PAGE)):
                day = doc_date(i, docs)
                rel = f"{day:%Y%m}/t{day:%Y%m%d}_{k * 100000 + i}.html"
                title = _title(label, n, k, i)
                rows.append(f'<li><a href="./{rel}" title="{title}">{title}</a><span>{day}</span></li>')
                _write(folder / rel, _article(title, day, name, n, f"{i + 1}"))
                written += 1
            body = (f'<div class="list"><ul>{"".join(rows)}</ul></div><div class="page"><script>'
                    f'createPageHTML({pages}, {p}, "index", "html");</script></div>')
            _write(folder / ("index.html" if p == 0 else f"index_{p}.html"), _page(label, "", body, name, n))
            written += 1
    return written


def build_hanweb(root: Path, n: int, name: str, columns: list, docs: int) -> tuple[int, int]:
    """Hanweb 大汉: ``/col/col{id}/index.html`` with the first records in a datastore, the rest in
    ``_records.html`` for the dataproxy handler; returns (pages written, POSTs needed)."""
    written, posts = 1, 0
    ids = [1000 + k for k in range(len(columns))]
    _write(root / "index.html", _home(name, n, columns, lambda slug, k: f"/col/col{ids[k]}/index.html"))
    batch = HANWEB_PER_PAGE * HANWEB_GROUP
    for k, (_, label, _slug) in enumerate(columns):
        col = ids[k]
        records = []
        for i in range(docs):
            day = doc_date(i, docs)
            href = f"/art/{day.year}/{day.month}/{day.day}/art_{col}_{i}.html"
            title = _title(label, n, k, i)
            records.append(f'<li><a href="{href}" title="{title}">{title}</a><span>{day}</span></li>')
            _write(root / href.lstrip("/"), _article(title, day, name, n, f"{i + 1}"))
            written += 1
        first = "".join(f"<record><![CDATA[{r}]]></record>" for r in records[:HANWEB_PER_PAGE])
        body = (f'<div id="{col}"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/'
                f'jpage/dataproxy.jsp?page=1&appid=1&webid=2&path=/&columnid={col}&unitid={col}&webname=bench'
                f'&permissiontype=0"></a>]]></nextgroup><recordset>{first}</recordset></datastore></script></div>'
                f"<script>$(document).ready(function(){{ $('#{col}').jpage({{ dataStore: dataStore, "
                f"perPage: {HANWEB_PER_PAGE}, totalRecord: {docs}, groupSize: {HANWEB_GROUP}, "
                "proxyUrl: '/module/web/jpage/dataproxy.jsp' }); });</script>")
        _write(root / "col" / f"col{col}" / "index.html", _page(label, "", body, name, n))
        _write(root / "col" / f"col{col}" / "_records.html", "\n".join(records) + "\n")
        written += 1
        posts += -(-max(0, docs - HANWEB_PER_PAGE) // batch)
    _write(root / "_site.yaml", yaml.safe_dump({"hanweb_dataproxy": True}))
    return written, posts


def build_generic(root: Path, n: int, name: str, columns: list, docs: int) -> int:
    """No CMS: ``list.html``, ``list_2.html`` … with 共N页 and a 下一页 link."""
    written = 1
    _write(root / "index.html", _home(name, n, columns, lambda slug, k: f"/{slug}/list.html"))
    pages = max(1, -(-docs // PER_PAGE))
    for k, (_, label, slug) in enumerate(columns):
        for p in range(pages):
            rows = []
            for i in range(p * PER_PAGE, min(docs, (p + 1) * PER_PAGE)):
                day = doc_date(i, docs)
                href = f"/{slug}/content_{k * 100000 + i}.html"
                title = _title(label, n, k, i)
                rows.append(f'<tr><td><a href="{href}">{title}</a></td><td>{day}</td></tr>')
                _write(root / href.lstrip("/"), _article(title, day, name, n, f"{i + 1}"))
                written += 1
            nxt = f'<a href="list_{p + 2}.html">下一页</a>' if p + 1 < pages else ""
            pager = f'<div class="pagination">共{pages}页 当前第{p + 1}页 <a href="list.html">首页</a>{nxt}</div>'
            body = f'<table class="list">{"".join(rows)}</table>{pager}'
            _write(root / slug / ("list.html" if p == 0 else f"list_{p + 1}.html"), _page(label, "", body, name, n))
            written += 1
    return written


def site_name(i: int) -> str:
    return f"基准{i}市人民政府"


def columns_of(count: int) -> list[tuple[str, str, str]]:
    if not 1 <= count <= len(COLUMNS):
        raise ValueError(f"columns must be 1..{len(COLUMNS)} (one per column type)")
    return list(COLUMNS[:count])


def column_paths(dialect: str, count: int) -> dict[str, str]:
    """Column type → list path of a site of this dialect (the targets file names them)."""
    out = {}
    for k, (ctype, _label, slug) in enumerate(columns_of(count)):
        out[ctype] = {"trs": f"/zwgk/{slug}/", "hanweb": f"/col/col{1000 + k}/index.html",
                      "generic": f"/{slug}/list.html"}[dialect]
    return out


def generate(sites: int, columns: int, docs: int, cache: Path = DEFAULT_CACHE,
             dialects: tuple[str, ...] = DIALECTS) -> tuple[Path, Manifest]:
    """The portal's root (one folder per site: ``site0`` …) and its manifest, built if missing."""
    root = cache / f"portal-{'-'.join(dialects)}-{sites}x{columns}x{docs}"
    manifest_path = root / "manifest.json"
    if manifest_path.is_file():
        return root, Manifest(**json.loads(manifest_path.read_text()))
    shutil.rmtree(root, ignore_errors=True)
    cols = columns_of(columns)
    static = posts = 0
    for i in range(sites):
        dialect, folder, name = dialects[i % len(dialects)], root / f"site{i}", site_name(i)
        if dialect == "trs":
            static += build_trs(folder, i, name, cols, docs)
        elif dialect == "hanweb":
            written, needed = build_hanweb(folder, i, name, cols, docs)
            static, posts = static + written, posts + needed
        else:
            static += build_generic(folder, i, name, cols, docs)
    manifest = Manifest(sites, columns, docs, [dialects[i % len(dialects)] for i in range(sites)],
                        sites * columns * docs, static, posts)
    manifest_path.write_text(json.dumps(asdict(manifest)))
    return root, manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument("--columns", type=int, default=5)
    parser.add_argument("--docs", type=int, default=200, help="documents per column")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    root, manifest = generate(args.sites, args.columns, args.docs, args.cache)
    print(root, manifest, f"pages={manifest.pages}")


if __name__ == "__main__":
    main()
