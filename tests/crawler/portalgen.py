"""Generated test portals for crawl coverage: one per dialect, many paged columns, a manifest.

``build_portal(root, "trs" | "hanweb" | "generic")`` writes a static site tree that
:class:`gongkai.demo.server.SiteServer` plays, and returns a :class:`Portal` that says what a
correct crawl must find: for every column, its list pages, the articles each page lists, which of
them are inside the crawl's window, and what the CMS pager announces.  Tests crawl the tree and
compare the store with the portal, number for number.

Shape of every column (defaults: ``pages=5``, ``per_page=4``, ``old_pages=2``)::

    page 1 … page pages-2   every item inside the window
    page pages-1            the first half inside, the second half older than the window
    page pages              every item older than the window: pagination must stop after it
    pages+1 … pages+old     announced by the pager and served, never to be fetched

so a correct crawl fetches exactly ``pages`` list pages per column and every in-window article,
and the pager announces ``pages + old_pages`` pages of ``per_page`` items.

Markup per dialect is what the crawler reads on real portals:

- ``trs``: ``/zwgk/zcwj/index.html``, ``index_1.html`` … with ``createPageHTML(7, k, "index",
  "html")`` (the classic TRS call: a page count, no record count; 工作动态 has the hand-written
  ``var countPage = 7`` pager instead), articles ``./202406/t20240628_N.html``;
- ``hanweb``: ``/col/col1233/index.html`` holding the first ``per_page`` records in a
  ``<datastore>`` and ``jpage({perPage, groupSize: 1, totalRecord})``; every further record comes
  only from ``POST /module/web/jpage/dataproxy.jsp`` — the same URL for every column, the column
  (``columnid``) travelling in the form body.  Served as GBK bytes declared gb2312, no charset
  in the header;
- ``generic``: ``/zcwj/list.html``, ``list_2.html`` … with a pager "共28条记录 共7页 当前第1页
  首页 上一页 下一页 尾页".

``cut=("interpretations", 3)`` makes that column's third list page answer 500 (a ``status``
switch in ``_site.yaml``; for Hanweb the dataproxy batch, ``hanweb_dataproxy_status``).

Content is a small but real 政务公开 site: 政策文件 with 文号 (江政发〔2024〕3号), 政策解读 of most
of them (some linked both ways through 相关解读/相关文件, some matched only by the 《title》, a
few policies with none), 通知公告, 工作动态 and 财政预决算.  ``_manifest.json`` in the tree holds
the manifest for a human reading a failure (files starting with ``_`` are never served).
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

E = html.escape

# -- the audit every generated portal is dated for ------------------------------------------------
PERIOD = "2024Q2"
PERIOD_START = date(2024, 4, 1)
AS_OF = date(2024, 7, 5)
LOOKBACK_DAYS = 30
CUTOFF = PERIOD_START - timedelta(days=LOOKBACK_DAYS)   # the crawler's window starts here (2024-03-02)
NEWEST = date(2024, 6, 28)

DIALECTS = ("trs", "hanweb", "generic")
PROXY_PATH = "/module/web/jpage/dataproxy.jsp"

# column types in the order they are generated; names are discovery words of config/columns.yaml
COLUMN_TYPES = (
    ("policy_docs", "政策文件"),
    ("interpretations", "政策解读"),
    ("notices", "通知公告"),
    ("news", "工作动态"),
    ("budgets", "财政预决算"),
    ("normative_docs", "规范性文件"),
    ("personnel", "人事信息"),
    ("plans", "规划计划"),
)
TRS_PATHS = {"policy_docs": "/zwgk/zcwj/", "interpretations": "/zwgk/zcjd/", "notices": "/zwgk/tzgg/",
             "news": "/xwzx/gzdt/", "budgets": "/zwgk/czyjs/", "normative_docs": "/zwgk/gfxwj/",
             "personnel": "/zwgk/rsxx/", "plans": "/zwgk/ghjh/"}
HANWEB_IDS = {"policy_docs": 1233, "interpretations": 1235, "notices": 1232, "news": 1231, "budgets": 1237,
              "normative_docs": 1238, "personnel": 1239, "plans": 1240}
GENERIC_DIRS = {"policy_docs": "/zcwj/", "interpretations": "/zcjd/", "notices": "/tzgg/", "news": "/gzdt/",
                "budgets": "/czyjs/", "normative_docs": "/gfxwj/", "personnel": "/rsxx/", "plans": "/ghjh/"}

# who runs each dialect's site, and the 文号 prefixes it issues
BODIES = {
    "trs": {"id": "gen-trs", "name": "江川市人民政府", "kind": "government", "place": "江川市",
            "office": "江川市人民政府办公室", "policy": "江政发", "notice": "江政办函", "normative": "江政规"},
    "hanweb": {"id": "gen-hanweb", "name": "江川市财政局", "kind": "department", "place": "江川市",
               "office": "江川市财政局办公室", "policy": "江财发", "notice": "江财办函", "normative": "江财规"},
    "generic": {"id": "gen-generic", "name": "江川市青松镇人民政府", "kind": "township", "place": "青松镇",
                "office": "青松镇党政办公室", "policy": "青政发", "notice": "青政办函", "normative": "青政规"},
}
TOPICS = (
    "优化营商环境", "促进消费提质扩容", "乡村振兴示范创建", "城乡居民医疗保障", "安全生产专项整治", "城市更新行动",
    "数字政府建设", "生态环境保护督察整改", "农村人居环境整治提升", "义务教育优质均衡发展", "养老服务体系建设",
    "就业创业促进", "科技创新驱动发展", "文化旅游融合发展", "中小企业纾困帮扶", "高标准农田建设", "城镇燃气安全管理",
    "防汛抗旱应急处置", "森林草原防灭火", "公共租赁住房管理", "道路交通安全治理", "食品安全监管", "住房公积金缴存",
    "河湖长制工作", "水资源节约保护", "智慧社区建设", "招商引资奖励", "高层次人才引进", "普惠金融发展",
    "电子商务进农村", "住宅小区物业管理", "生活垃圾分类",
)
OTHER_TOPICS = ("新型工业化推进", "县域商业体系建设", "现代物流业发展", "绿色能源产业发展", "职业技能提升行动",
                "学前教育普及普惠")
DEPARTMENTS = ("发展和改革局", "教育体育局", "民政局", "财政局", "人力资源和社会保障局", "自然资源局", "住房和城乡建设局",
               "交通运输局", "农业农村局", "水务局", "商务局", "文化和旅游局", "卫生健康局", "应急管理局", "市场监督管理局",
               "医疗保障局", "林业和草原局", "统计局", "审计局", "司法局", "公安局", "生态环境局", "退役军人事务局",
               "科学技术局", "工业和信息化局", "信访局", "机关事务管理局", "档案馆", "融媒体中心", "供销合作社",
               "政务服务管理局", "投资促进局")
LACKING = frozenset({3, 10})   # in-window policies (newest first) that get no interpretation at all


@dataclass
class Article:
    """One list item and its article page."""

    path: str                       # URL path on the site
    title: str
    day: date
    column: str                     # column type
    page: int                       # 1-based list page that lists it
    in_window: bool
    number: str | None = None       # 发文字号
    interpretation: str | None = None   # a policy's interpretation (path)
    policy: str | None = None       # an interpretation's policy (path)
    linked: bool = False            # policy and interpretation link each other (相关解读 / 相关文件)
    body: list[str] = field(default_factory=list)
    ident: int = 0                  # the CMS's document id in the URL


@dataclass
class Column:
    """One paged column and what a correct crawl of it must find."""

    type: str
    name: str
    path: str                       # the list URL path (what the navigation links)
    items: list[Article]            # every record, in list order (also those never to be fetched)
    per_page: int
    pages_announced: int            # what the pager announces
    records_announced: int | None   # what the pager announces (None: the markup says nothing)
    pages_reached: int              # list pages a correct crawl fetches (through the first all-old page)
    column_id: int | None = None    # Hanweb columnid
    cut_page: int | None = None     # this list page (1-based) answers 500

    def on_page(self, page: int) -> list[Article]:
        return [a for a in self.items if a.page == page]

    @property
    def fetched_pages(self) -> int:
        """List pages a correct crawl gets with a 2xx: up to the cut, or all it reaches."""
        return self.cut_page - 1 if self.cut_page else self.pages_reached

    @property
    def listed(self) -> list[Article]:
        return [a for a in self.items if a.page <= self.fetched_pages]

    @property
    def in_window(self) -> list[Article]:
        """In-window articles of the list pages a correct crawl gets (all of them when not cut)."""
        return [a for a in self.listed if a.in_window]

    @property
    def all_in_window(self) -> list[Article]:
        return [a for a in self.items if a.in_window]

    def expected(self) -> dict[str, Any]:
        """The coverage fields of the store's ``columns`` row a correct crawl writes (docs/store.md)."""
        return {
            "announced_records": self.records_announced,
            "announced_pages": self.pages_announced,
            "list_pages": self.fetched_pages,
            "list_pages_failed": 1 if self.cut_page else 0,
            "items_listed": len(self.listed),
            "items_in_window": len(self.in_window),
            "articles_fetched": len(self.in_window),
            "articles_failed": 0,
            "coverage": "incomplete" if self.cut_page else "complete",
        }


@dataclass
class Portal:
    """A generated site tree and its manifest."""

    root: Path
    dialect: str
    site_id: str
    name: str
    kind: str
    columns: list[Column]
    cut: tuple[str, int] | None = None

    def column(self, ctype: str) -> Column:
        return next(c for c in self.columns if c.type == ctype)

    @property
    def articles(self) -> list[Article]:
        return [a for c in self.columns for a in c.items]

    def site(self, base_url: str, given_columns: bool = False) -> dict[str, Any]:
        """This site's entry in a targets file; ``given_columns``: columns listed, not discovered."""
        entry: dict[str, Any] = {"id": self.site_id, "name": self.name, "home": base_url, "kind": self.kind,
                                 "region": "云南"}
        if given_columns:
            entry["columns"] = {c.type: absolute(base_url, c.path) for c in self.columns}
        return entry

    def manifest(self) -> dict[str, Any]:
        """Everything a test asserts against, as plain data (also written to ``_manifest.json``)."""
        return {
            "dialect": self.dialect, "site": self.site_id, "cutoff": CUTOFF.isoformat(), "cut": self.cut,
            "columns": [{
                "type": c.type, "name": c.name, "path": c.path, "column_id": c.column_id, **c.expected(),
                "in_window": [a.path for a in c.in_window],
                "items": [{**asdict(a), "day": a.day.isoformat(), "body": None} for a in c.items],
            } for c in self.columns],
        }


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def targets(sites: list[dict[str, Any]], **crawl: Any) -> dict[str, Any]:
    """A targets document for generated portals: the audit they are dated for, a fast crawl."""
    return {
        "audit": {"name": "覆盖测试：生成门户", "period": PERIOD, "as_of": AS_OF.isoformat()},
        "crawl": {"download_delay": 0, "concurrent_requests": 16, "concurrent_requests_per_domain": 8,
                  "download_timeout": 30, "retry_times": 0, "lookback_days": LOOKBACK_DAYS, "cloak_check": False,
                  **crawl},
        "sites": sites,
    }


# -- the plan: columns, items, dates -----------------------------------------------------------

def build_portal(root: Path, dialect: str, columns: int = 5, pages: int = 5, per_page: int = 4,
                 old_pages: int = 2, cut: tuple[str, int] | None = None) -> Portal:
    """Write the site tree of a generated portal under ``root`` and return its manifest."""
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {DIALECTS}")
    if not 2 <= columns <= len(COLUMN_TYPES):
        raise ValueError(f"columns must be 2..{len(COLUMN_TYPES)} (policies and their interpretations)")
    if pages < 2 or per_page < 2 or old_pages < 0:
        raise ValueError("pages and per_page must be at least 2, old_pages at least 0")
    body = BODIES[dialect]
    cols = [_plan_column(dialect, ctype, name, n, pages, per_page, old_pages)
            for n, (ctype, name) in enumerate(COLUMN_TYPES[:columns])]
    portal = Portal(Path(root), dialect, body["id"], body["name"], body["kind"], cols, cut)
    _pair_interpretations(portal)
    if cut is not None:
        ctype, page = cut
        if not 1 <= page <= pages:
            raise ValueError(f"cut page must be 1..{pages}")
        portal.column(ctype).cut_page = page
    _write(portal)
    return portal


def _list_path(dialect: str, ctype: str) -> str:
    if dialect == "trs":
        return TRS_PATHS[ctype]
    if dialect == "hanweb":
        return f"/col/col{HANWEB_IDS[ctype]}/index.html"
    return GENERIC_DIRS[ctype] + "list.html"


def _plan_column(dialect: str, ctype: str, name: str, n: int, pages: int, per_page: int,
                 old_pages: int) -> Column:
    total_pages = pages + old_pages
    inside = (pages - 2) * per_page + per_page // 2
    total = total_pages * per_page
    step = max(1, (NEWEST - PERIOD_START).days // max(inside, 1))
    newest = NEWEST - timedelta(days=n)
    days = [newest - timedelta(days=step * i) for i in range(inside)]
    oldest_inside = days[-1] if days else NEWEST
    assert oldest_inside >= PERIOD_START, "in-window items must fall inside the audit period"
    first_old = CUTOFF - timedelta(days=20 + n)
    days += [first_old - timedelta(days=9 * i) for i in range(total - inside)]
    items = []
    for i, day in enumerate(days):
        title, number, body = _content(dialect, ctype, i, day)
        items.append(Article(path="", title=title, day=day, column=ctype, page=i // per_page + 1,
                             in_window=day >= CUTOFF, number=number, body=body))
    _number_documents(items, dialect, ctype)
    column = Column(type=ctype, name=name, path=_list_path(dialect, ctype), items=items, per_page=per_page,
                    pages_announced=total_pages, records_announced=None if dialect == "trs" else total,
                    pages_reached=pages, column_id=HANWEB_IDS[ctype] if dialect == "hanweb" else None)
    for k, a in enumerate(items):
        a.ident = 1_000_101 + 1000 * n + k
        a.path = _article_path(dialect, column, a)
    return column


def _article_path(dialect: str, column: Column, a: Article) -> str:
    if dialect == "trs":
        return f"{column.path}{a.day:%Y%m}/t{a.day:%Y%m%d}_{a.ident}.html"
    if dialect == "hanweb":
        return f"/art/{a.day.year}/{a.day.month}/{a.day.day}/art_{column.column_id}_{a.ident}.html"
    return f"{GENERIC_DIRS[column.type]}{a.day:%Y%m}/{a.ident}.html"


def _topic(i: int, pool: tuple[str, ...] = TOPICS) -> str:
    return pool[i % len(pool)] + ("" if i < len(pool) else f"（第{i // len(pool) + 1}批）")


def _content(dialect: str, ctype: str, i: int, day: date) -> tuple[str, str | None, list[str]]:
    """Title, a 文号 placeholder (numbered later) and body paragraphs of item ``i`` of a column."""
    b = BODIES[dialect]
    place, topic = b["place"], _topic(i)
    if ctype in ("policy_docs", "normative_docs"):
        kind = "实施方案" if ctype == "policy_docs" else "管理办法"
        return (f"{b['name']}关于印发《{place}{topic}{kind}》的通知", "#",
                ["各有关单位：", f"现将《{place}{topic}{kind}》印发给你们，请结合实际认真贯彻落实。"])
    if ctype == "interpretations":   # placeholders: paired with policies in _pair_interpretations
        return f"《{place}{topic}》政策解读", None, ["一、出台背景", "二、主要内容"]
    if ctype == "notices":
        return (f"{b['office']}关于开展{topic}工作督查的通知", "#",
                ["各有关单位：", f"为推动{topic}工作落实，现就开展督查有关事项通知如下。"])
    if ctype == "budgets":
        dept = DEPARTMENTS[i % len(DEPARTMENTS)]
        year = day.year if day.month > 2 else day.year - 1
        return f"{place}{dept}{year}年部门预算公开", None, [f"{place}{dept}{year}年部门预算及“三公”经费预算说明。"]
    if ctype == "personnel":
        return f"{place}2024年公开招聘{topic}工作人员公告", None, ["根据工作需要，现公开招聘工作人员。"]
    if ctype == "plans":
        return f"{place}{topic}三年行动计划（2024—2026年）", None, ["为推进相关工作，制定本计划。"]
    return f"{place}召开{topic}工作推进会", None, [f"会议听取了{topic}工作进展情况汇报，部署下一阶段工作。"]


def _number_documents(items: list[Article], dialect: str, ctype: str) -> None:
    """文号 in issue order: the oldest document of a year is number 1 (江政发〔2024〕1号 …)."""
    b = BODIES[dialect]
    prefix = {"policy_docs": b["policy"], "normative_docs": b["normative"], "notices": b["notice"]}.get(ctype)
    if prefix is None:
        return
    counters: dict[int, int] = {}
    for a in sorted(items, key=lambda x: x.day):
        counters[a.day.year] = counters.get(a.day.year, 0) + 1
        a.number = f"{prefix}〔{a.day.year}〕{counters[a.day.year]}号"


def _pair_interpretations(portal: Portal) -> None:
    """Give each in-window policy (but ``LACKING``) an interpretation published the same day: even
    ones link both ways (相关解读 / 相关文件), odd ones are matched only by the 《title》.  Slots left
    over interpret the province's documents; older slots too (they are never fetched)."""
    names = {c.type for c in portal.columns}
    if not {"policy_docs", "interpretations"} <= names:
        return
    policies, interps = portal.column("policy_docs"), portal.column("interpretations")
    inside = [p for p in policies.items if p.in_window]
    slots = [a for a in interps.items if a.in_window]
    pairs: list[tuple[date, Article | None, bool]] = [(p.day, p, i % 2 == 0) for i, p in enumerate(inside)
                                                      if i not in LACKING]
    if len(pairs) > len(slots):
        raise ValueError("more interpretations than in-window slots")
    pairs += [(s.day, None, False) for s in slots[len(pairs):]]
    pairs.sort(key=lambda x: x[0], reverse=True)   # the column stays sorted newest first
    others = (OTHER_TOPICS[i % len(OTHER_TOPICS)] for i in range(len(interps.items)))
    for slot, (day, policy, linked) in zip(slots, pairs, strict=True):
        slot.day = day
        slot.path = _article_path(portal.dialect, interps, slot)
        if policy is None:
            slot.title = f"《云南省{next(others)}若干措施》解读"
            slot.body = ["一、出台背景", "二、主要措施", "三、适用范围"]
            continue
        inner = policy.title.split("《", 1)[1].split("》", 1)[0]
        slot.title = f"《{inner}》政策解读" if linked else f"一图读懂《{inner}》"
        slot.body = ["一、出台背景", f"二、主要内容：《{inner}》共五个部分。", "三、政策亮点"]
        slot.policy, slot.linked = policy.path, linked
        policy.interpretation, policy.linked = slot.path, linked
    for a in interps.items:
        if not a.in_window:
            a.title = f"《云南省{next(others)}实施意见》解读"


# -- writing the tree ---------------------------------------------------------------------------

def _write(portal: Portal) -> None:
    root = portal.root
    root.mkdir(parents=True, exist_ok=True)
    writer = {"trs": _write_trs, "hanweb": _write_hanweb, "generic": _write_generic}[portal.dialect]
    files, site = writer(portal)
    for rel, text in files.items():
        path = root / rel.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "_site.yaml").write_text(yaml.safe_dump(site, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "_manifest.json").write_text(json.dumps(portal.manifest(), ensure_ascii=False, indent=1),
                                         encoding="utf-8")


def _by_path(portal: Portal) -> dict[str, Article]:
    return {a.path: a for a in portal.articles}


def _related(portal: Portal, a: Article) -> str:
    """The 相关解读 / 相关文件 block of a linked policy or interpretation."""
    other = a.interpretation if a.column != "interpretations" else a.policy
    if not (a.linked and other):
        return ""
    target = _by_path(portal)[other]
    heading = "相关文件" if a.column == "interpretations" else "相关解读"
    return (f'<div class="xgwj"><h4>{heading}</h4><ul><li><a href="{target.path}" target="_blank">'
            f"{E(target.title)}</a></li></ul></div>\n")


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _paragraphs(a: Article, portal: Portal) -> str:
    paras = "".join(f"<p>　　{E(p)}</p>\n" for p in a.body)
    if a.number:
        b = BODIES[portal.dialect]
        signer = b["office"] if a.column == "notices" else b["name"]
        written = a.day - timedelta(days=3)
        paras += (f'<p style="text-align: right;">{E(signer)}</p>\n<p style="text-align: right;">{_cn(written)}</p>\n'
                  "<p>（此件公开发布）</p>\n")
    return paras


# TRS WCM ----------------------------------------------------------------------------------------

TRS_PAGER_FUNC = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount<=1){ return; }
	var nCurrIndex = _nCurrIndex || 0;
	if(nCurrIndex == 0) document.write("<span class=\\"current\\">1</span>&nbsp;");
	else document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">1</a>&nbsp;");
	for(var i=1; i<_nPageCount; i++){
		if(nCurrIndex == i) document.write("<span class=\\"current\\">"+(i+1)+"</span>&nbsp;");
		else document.write("<a href=\\""+_sPageName+"_" + i + "."+_sPageExt+"\\">"+(i+1)+"</a>&nbsp;");
	}
}
</script>
"""


TRS_COUNT_PAGE = frozenset({"news"})   # columns with the hand-written ``var countPage`` pager


def _trs_pager(count_page: bool, count: int, current: int) -> str:
    """TRS's classic ``createPageHTML(count, current0, "index", "html")``, or the hand-written
    ``var countPage`` pager some templates carry instead (both 0-based, page k > 0 is index_k)."""
    if not count_page:
        return (TRS_PAGER_FUNC + f'<div class="page"><script type="text/javascript">createPageHTML({count}, '
                f'{current}, "index", "html");</script></div>\n')
    return f"""<div class="page"><script type="text/javascript">
var currentPage = {current};//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = {count}//共多少页
document.write("共"+countPage+"页&nbsp;&nbsp;");
if(countPage>1&&currentPage!=0&&currentPage!=1)
	document.write("<a href=\\"index.html\\">首页</a>&nbsp;<a href=\\"index"+"_" + prevPage + "."+"html\\">上一页</a>&nbsp;");
else if(countPage>1&&currentPage!=0&&currentPage==1)
	document.write("<a href=\\"index.html\\">首页</a>&nbsp;<a href=\\"index.html\\">上一页</a>&nbsp;");
if(countPage>1&&currentPage!=(countPage-1))
	document.write("<a href=\\"index"+"_" + nextPage + "."+"html\\">下一页</a>&nbsp;<a href=\\"index"+"_" + (countPage-1) + "."+"html\\">尾页</a>");
</script></div>
"""


def _trs_head(portal: Portal, title: str, column: Column | None = None, a: Article | None = None) -> str:
    metas = [("SiteName", portal.name), ("SiteDomain", "www.jiangchuan.gov.cn"), ("SiteIDCode", "5304000001")]
    if column:
        metas += [("ColumnName", column.name), ("ColumnType", column.name)]
    if a:
        metas += [("ArticleTitle", a.title), ("PubDate", f"{a.day:%Y-%m-%d} 09:30"),
                  ("ContentSource", BODIES["trs"]["office"])]
    meta = "\n".join(f'<meta name="{k}" content="{E(v)}">' for k, v in metas)
    nav = "".join(f'<li><a href="{c.path}">{c.name}</a></li>' for c in portal.columns)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{E(title)}</title>
{meta}
</head><body>
<div class="header"><a href="/" class="logo">{E(portal.name)}</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li>{nav}</ul></div>
"""


def _footer(portal: Portal) -> str:
    b = BODIES[portal.dialect]
    return (f'<div class="footer"><p>主办：{E(b["office"])}　网站标识码：5304000001　滇ICP备05001234号</p>'
            f"<p>滇公网安备 53040202000123号</p></div>\n</body></html>\n")


def _write_trs(portal: Portal) -> tuple[dict[str, str], dict[str, Any]]:
    files: dict[str, str] = {}
    status: dict[str, int] = {}
    foot = _footer(portal)
    for c in portal.columns:
        for page in range(1, c.pages_announced + 1):
            rel = c.path + ("index.html" if page == 1 else f"index_{page - 1}.html")
            rows = "".join(f'<li><a href="./{a.path.removeprefix(c.path)}" target="_blank" title="{E(a.title)}">'
                           f'{E(a.title)}</a><span>{a.day:%Y-%m-%d}</span></li>\n' for a in c.on_page(page))
            files[rel] = (_trs_head(portal, f"{c.name}_{portal.name}", c)
                          + f'<div class="position">当前位置：<a href="/">首页</a> &gt; {c.name}</div>\n'
                          + f'<div class="list"><ul>\n{rows}</ul></div>\n'
                          + _trs_pager(c.type in TRS_COUNT_PAGE, c.pages_announced, page - 1) + foot)
            if c.cut_page == page:
                status[rel] = 500
        for n, a in enumerate(c.items, 1):
            table = ""
            if a.number:
                table = ('<table class="xxgk_table">'
                         f'<tr><td>索引号：</td><td>115304000012345678/{a.day.year}-{n:05d}</td>'
                         f'<td>发布机构：</td><td>{E(portal.name)}</td></tr>'
                         f'<tr><td>发文日期：</td><td>{_cn(a.day)}</td><td>文号：</td><td>{E(a.number)}</td></tr>'
                         '<tr><td>有效性：</td><td>有效</td><td>公开方式：</td><td>主动公开</td></tr></table>\n')
            stem = a.path.rsplit("/", 1)[1].removesuffix(".html")
            files[a.path] = (_trs_head(portal, f"{a.title}_{portal.name}", c, a) + table
                             + f'<div class="article"><h1>{E(a.title)}</h1>\n'
                             + f'<div class="info">发布时间：{a.day:%Y-%m-%d} 09:30　来源：{E(BODIES["trs"]["office"])}</div>\n'
                             + f'<div class="TRS_Editor">\n{_paragraphs(a, portal)}</div>\n'
                             + _related(portal, a)
                             + f'<div class="page"><script>createPageHTML(1, 0, "{stem}", "html");</script></div>\n'
                             + "</div>\n" + foot)
    files["/index.html"] = (_trs_head(portal, portal.name) + _home_boxes(portal) + foot)
    site: dict[str, Any] = {"not_found": "hard"}
    if status:
        site["status"] = status
    return files, site


def _home_boxes(portal: Portal) -> str:
    """The home page's 工作动态 and 通知公告 boxes: dated items, as real homes show."""
    out = ['<div class="main">']
    for c in portal.columns:
        if c.type not in ("news", "notices"):
            continue
        lis = "".join(f'<li><a href="{a.path}" target="_blank">{E(a.title)}</a><span>{a.day:%Y-%m-%d}</span></li>\n'
                      for a in c.items[:5])
        out.append(f'<div class="box"><div class="box-title"><a href="{c.path}">{c.name}</a></div><ul>\n{lis}</ul></div>')
    out.append("</div>\n")
    return "\n".join(out)


# Hanweb 大汉 ------------------------------------------------------------------------------------

HW_WEBID, HW_UNITID = 3, 56789


def _hw_head(portal: Portal, title: str, column: Column | None = None, a: Article | None = None) -> str:
    metas = [("SiteName", portal.name), ("SiteDomain", "czj.jiangchuan.gov.cn"), ("SiteIDCode", "5304000012")]
    if column:
        metas.append(("ColumnName", column.name))
    if a:
        metas += [("ArticleTitle", a.title), ("PubDate", f"{a.day:%Y-%m-%d} 10:00"), ("ContentSource", portal.name)]
    meta = "\n".join(f'<meta name="{k}" content="{E(v)}">' for k, v in metas)
    nav = "".join(f'<li><a href="{c.path}">{c.name}</a></li>' for c in portal.columns)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{E(title)}</title>
{meta}
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
</head><body>
<div class="top">{E(portal.name)}</div>
<div class="nav"><ul><li><a href="/index.html">网站首页</a></li>{nav}</ul></div>
"""


def _hw_record(a: Article) -> str:
    return (f'<li><a href="{a.path}" target="_blank" title="{E(a.title)}">{E(a.title)}</a>'
            f"<span>{a.day:%Y-%m-%d}</span></li>")


def _write_hanweb(portal: Portal) -> tuple[dict[str, str], dict[str, Any]]:
    files: dict[str, str] = {}
    failing: dict[str, int] = {}
    foot = _footer(portal).replace("</div>\n</body>", '<a href="/index.html" style="display:none">Produced By 大汉网络 '
                                                    "大汉版通发布系统</a></div>\n</body>")
    webname = quote(portal.name)
    for c in portal.columns:
        first = "\n".join(f"<record><![CDATA[\n{_hw_record(a)}\n]]></record>" for a in c.on_page(1))
        nextgroup = (f'<a href="{PROXY_PATH}?page=1&appid=1&webid={HW_WEBID}&path=/&columnid={c.column_id}'
                     f'&unitid={HW_UNITID}&webname={webname}&permissiontype=0"></a>')
        files[c.path] = (_hw_head(portal, f"{c.name} {portal.name}", c)
                         + f'<div class="position">当前位置：<a href="/index.html">首页</a> &gt; {c.name}</div>\n'
                         + f"""<div class="main"><div class="lm-title">{c.name}</div>
<div class="default_pgContainer" id="{HW_UNITID}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[{nextgroup}]]></nextgroup>
<recordset>
{first}
</recordset>
</datastore></script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$(document).ready(function(){{
	$('#{HW_UNITID}').jpage({{
		dataStore: dataStore,
		dataBefore: '<ul class="list">',
		dataAfter: '</ul>',
		perPage: {c.per_page},
		totalRecord: {len(c.items)},
		groupSize: 1,
		barPosition: 'bottom',
		proxyUrl: '{PROXY_PATH}',
		ajaxParam: {{col: 1, appid: 1, webid: {HW_WEBID}, path: '/', columnid: {c.column_id}, sourceContentType: 1, unitid: {HW_UNITID}, webname: '{portal.name}', permissiontype: 0}}
	}});
}});
</script>
</div>
""" + foot)
        files[f"/col/col{c.column_id}/_records.html"] = "".join(_hw_record(a) + "\n" for a in c.items)
        if c.cut_page == 1:
            failing[c.path] = 500
        elif c.cut_page:
            start = (c.cut_page - 1) * c.per_page + 1
            failing[f"columnid={c.column_id}&startrecord={start}"] = 500
        for n, a in enumerate(c.items, 1):
            table = ""
            if a.number:
                table = ('<table class="xxgk_table" width="100%" border="0" cellspacing="1">\n'
                         f"<tr><th>索引号：</th><td>015234589/{a.day.year}-{n:05d}</td><th>发布机构：</th><td>{E(portal.name)}</td></tr>\n"
                         f"<tr><th>生成日期：</th><td>{a.day:%Y-%m-%d}</td><th>文号：</th><td>{E(a.number)}</td></tr>\n"
                         '<tr><th>有效性：</th><td colspan="3">有效</td></tr>\n'
                         '<tr><th>公开方式：</th><td colspan="3">主动公开</td></tr>\n</table>\n')
            files[a.path] = (_hw_head(portal, f"{a.title} {portal.name}", c, a)
                             + '<div class="position">当前位置：<a href="/index.html">首页</a> &gt; '
                             + f'<a href="{c.path}">{c.name}</a></div>\n<div class="main">\n{table}'
                             + f'<div class="title"><!--<$[标题]>begin-->{E(a.title)}<!--<$[标题]>end--></div>\n'
                             + f'<div class="info"><span>发布日期：{a.day:%Y-%m-%d}</span>　<span>信息来源：'
                             + f"<!--<$[信息来源]>begin-->{E(portal.name)}<!--<$[信息来源]>end--></span></div>\n"
                             + f'<div class="content" id="zoom"><!--<$[信息内容]>begin-->\n{_paragraphs(a, portal)}'
                             + "<!--<$[信息内容]>end--></div>\n" + _related(portal, a) + "</div>\n" + foot)
    files["/index.html"] = _hw_head(portal, portal.name) + _home_boxes(portal) + foot
    files["/module/jslib/jquery/jquery.js"] = "window.$ = window.$ || function(){ return {ready: function(){}}; };\n"
    files["/module/web/jpage/jpage.js"] = "/* 大汉 jpage 分页组件：翻页数据由 dataproxy.jsp 以 POST 返回。 */\n"
    site: dict[str, Any] = {"charset": "gbk", "header_charset": False, "not_found": "hard", "hanweb_dataproxy": True,
                            "hanweb_dataproxy_paths": [PROXY_PATH]}
    for key, code in failing.items():
        if key.startswith("/"):
            site.setdefault("status", {})[key] = code
        else:
            site.setdefault("hanweb_dataproxy_status", {})[key] = code
    return files, site


# generic lists ----------------------------------------------------------------------------------

def _generic_head(portal: Portal, title: str) -> str:
    nav = "".join(f'<li><a href="{c.path}">{c.name}</a></li>' for c in portal.columns)
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{E(title)}</title></head>
<body><div class="header"><div class="logo">{E(portal.name)}</div></div>
<div class="menu"><ul><li><a href="/index.html">首页</a></li>{nav}</ul></div>
"""


def _generic_page(c: Column, page: int) -> str:
    return c.path if page == 1 else c.path.replace("list.html", f"list_{page}.html")


def _write_generic(portal: Portal) -> tuple[dict[str, str], dict[str, Any]]:
    files: dict[str, str] = {}
    status: dict[str, int] = {}
    foot = _footer(portal)
    for c in portal.columns:
        last = c.pages_announced
        for page in range(1, last + 1):
            rows = "".join(f'<li><a href="{a.path}" target="_blank">{E(a.title)}</a>'
                           f'<span class="time">{a.day:%Y-%m-%d}</span></li>\n' for a in c.on_page(page))
            nav = [f"共{len(c.items)}条记录　共{last}页　当前第{page}页"]
            nav.append(f'<a href="{_generic_page(c, 1)}">首页</a>')
            if page > 1:
                nav.append(f'<a href="{_generic_page(c, page - 1)}">上一页</a>')
            if page < last:
                nav.append(f'<a href="{_generic_page(c, page + 1)}">下一页</a>')
            nav.append(f'<a href="{_generic_page(c, last)}">尾页</a>')
            files[_generic_page(c, page)] = (_generic_head(portal, f"{c.name}-{portal.name}")
                                            + f'<div class="main"><div class="lmmc">{c.name}</div>\n'
                                            + f'<ul class="list">\n{rows}</ul>\n'
                                            + f'<div class="pagination">{"　".join(nav)}</div></div>\n' + foot)
            if c.cut_page == page:
                status[_generic_page(c, page)] = 500
        for a in c.items:
            number = f'<p class="wh">文号：{E(a.number)}</p>\n' if a.number else ""
            files[a.path] = (_generic_head(portal, f"{a.title}-{portal.name}")
                             + f'<div class="main"><h2 class="art-title">{E(a.title)}</h2>\n'
                             + f'<div class="art-info">发布时间：{a.day:%Y-%m-%d} 10:12　来源：{E(portal.name)}</div>\n'
                             + number + f'<div class="art-content">\n{_paragraphs(a, portal)}</div>\n'
                             + _related(portal, a) + "</div>\n" + foot)
    files["/index.html"] = _generic_head(portal, portal.name) + _home_boxes(portal) + foot
    site: dict[str, Any] = {"not_found": "soft"}
    if status:
        site["status"] = status
    return files, site


def hanweb_batches(column: Column) -> list[int]:
    """The ``startrecord`` of each dataproxy POST a correct crawl of a Hanweb column asks for
    (the cut one included: it is asked and answers 500)."""
    last = min(column.pages_reached, column.cut_page or column.pages_reached)
    return [(page - 1) * column.per_page + 1 for page in range(2, last + 1)]
