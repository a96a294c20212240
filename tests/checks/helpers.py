"""Build a real store the way the crawler writes it, then run rules over it.

Tests describe a site in realistic rows (pages with links and list items, documents, columns,
probes) and run a rule of the bundled rulebook, so the rulebook and the kinds are tested together.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from gongkai import store as st
from gongkai.checks.engine import load_rules
from gongkai.checks.registry import get_kind
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result

HOME = "http://www.dl.gov.cn/"
ORIGINS = ["http://www.dl.gov.cn:80", "https://www.dl.gov.cn:443"]


class AuditBuilder:
    """One audit of one site in a fresh SQLite store."""

    def __init__(self, tmp_path: Path, period: str = "2024Q2", as_of: date = date(2024, 7, 15),
                 name: str = "大连市人民政府", kind: str = "government", region: str | None = "辽宁省大连市",
                 home: str = HOME, site: str = "dalian") -> None:
        self.store = st.Store(tmp_path / "audit.sqlite")
        self.audit_id = self.store.create_audit("测试审计", period, as_of, {"sites": []})
        self.site, self.home = site, home
        self.store.upsert_site(self.audit_id, {
            "site": site, "name": name, "home": home, "kind": kind, "region": region,
            "origins_json": st.to_json(ORIGINS), "dialect": "trs"})
        self.rules = {r.id: r for r in load_rules()}

    def add_site(self, site: str, home: str, name: str) -> None:
        """Another site in the same audit; pages, columns and probes written next go to it."""
        self.site, self.home = site, home
        origin = home.rstrip("/")
        self.store.upsert_site(self.audit_id, {
            "site": site, "name": name, "home": home, "kind": "government", "region": "辽宁省",
            "origins_json": st.to_json([origin]), "dialect": "trs"})

    # -- writes ---------------------------------------------------------------------------------
    def page(self, url: str, kind: str = "article", *, title: str = "", text: str = "", snapshot: str = "",
             meta: dict[str, str] | None = None, identity: dict[str, Any] | None = None,
             links: list[dict[str, Any]] | None = None, list_items: list[dict[str, Any]] | None = None,
             document: dict[str, Any] | None = None, variant: str = "normal", outcome: str = "ok",
             status: int | None = 200, column_type: str | None = None, column_url: str | None = None,
             refs: list[dict[str, Any]] | None = None, final_url: str | None = None) -> None:
        html = snapshot or f"<html><head><title>{title}</title></head><body>{text}</body></html>"
        page = {"site": self.site, "url": url, "variant": variant, "final_url": final_url or url, "status": status,
                "content_type": "text/html", "encoding": "utf-8", "size": len(html.encode()),
                "sha256": hashlib.sha256(html.encode()).hexdigest(), "fetched_at": "2024-07-15T02:00:00+00:00",
                "dialect": "trs", "kind": kind, "column_type": column_type, "column_url": column_url,
                "title": title, "text": text, "snapshot": html, "meta_json": st.to_json(meta or {}),
                "identity_json": st.to_json(identity or {}), "outcome": outcome, "reason": None}
        bundle: dict[str, Any] = {"page": page}
        if links:
            bundle["links"] = [{"target": lk["target"], "text": lk.get("text", ""), "hidden": lk.get("hidden", False),
                                "hidden_how": lk.get("hidden_how", ""), "internal": lk.get("internal", True)}
                               for lk in links]
        if refs:  # page_refs rows: {"role": "body" | "insecure", "target": …, "text": …}
            bundle["refs"] = [{"role": r["role"], "target": r["target"], "text": r.get("text", "")} for r in refs]
        if list_items:
            bundle["list_items"] = [{"column_url": it.get("column_url", url), "title": it["title"], "url": it["url"],
                                     "date": it.get("date")} for it in list_items]
        if document is not None:
            bundle["document"] = self._document(url, document)
        self.store.save_page(self.audit_id, bundle)

    def _document(self, url: str, doc: dict[str, Any]) -> dict[str, Any]:
        return {"site": self.site, "url": url, "column_type": doc.get("column_type"),
                "column_url": doc.get("column_url"), "also_in_json": st.to_json(doc.get("also_in", [])),
                "title": doc.get("title"), "publish_date": doc.get("publish_date"),
                "written_date": doc.get("written_date"), "doc_number": doc.get("doc_number"),
                "index_number": doc.get("index_number"), "publisher": doc.get("publisher"),
                "validity": doc.get("validity"), "label": doc.get("label"), "label_slot": doc.get("label_slot"),
                "related_json": st.to_json(doc.get("related", [])),
                "attachments_json": st.to_json(doc.get("attachments", [])),
                "body_text": doc.get("body_text", ""), "dedup_key": doc.get("dedup_key")}

    def document(self, url: str, title: str, publish_date: str | None, column_type: str = "policy_docs",
                 column_url: str | None = None, body_text: str = "", **fields: Any) -> None:
        """An article page carrying a document, as the crawler saves it."""
        column_url = column_url or f"{self.home}{column_type}/"
        doc = {"title": title, "publish_date": publish_date, "column_type": column_type,
               "column_url": column_url, "body_text": body_text, **fields}
        self.page(url, "article", title=title, text=body_text, document=doc, links=fields.get("links"),
                  column_type=column_type, column_url=column_url, refs=fields.get("refs"),
                  final_url=fields.get("final_url"))

    def column(self, ctype: str, url: str, name: str, outcome: str = "ok", coverage: str | None = "complete",
               coverage_reason: str | None = None, **counts: int | None) -> None:
        """A column as the crawler records it, read whole unless ``coverage`` says otherwise
        (``None`` writes no coverage at all, as a crawler from before coverage did)."""
        self.store.save_column(self.audit_id, {"site": self.site, "type": ctype, "name": name, "url": url,
                                               "how_found": "discovered", "outcome": outcome, "reason": None,
                                               "coverage": coverage, "coverage_reason": coverage_reason, **counts})

    def probe(self, kind: str, url: str, outcome: str, status: int | None = None, reason: str | None = None,
              detail: dict[str, Any] | None = None, method: str = "GET") -> None:
        self.store.save_probe(self.audit_id, {"site": self.site, "kind": kind, "url": url, "method": method,
                                              "final_url": url, "status": status, "outcome": outcome,
                                              "reason": reason, "detail_json": st.to_json(detail or {})})

    def tls_probe(self, outcome: str, reason: str = "", host: str = "www.dl.gov.cn", port: int = 443,
                  at: str = "2024-07-15T02:00:00+00:00", not_after: str | None = None, **cert: Any) -> None:
        """A ``tls_probes`` row as crawler/tls.py writes it."""
        self.store.save_tls_probe(self.audit_id, {"site": self.site, "host": host, "port": port, "at": at,
                                                  "outcome": outcome, "reason": reason, "not_after": not_after,
                                                  "names_json": st.to_json(cert.pop("names", [])), **cert})

    # -- reads ----------------------------------------------------------------------------------
    def view(self) -> AuditView:
        return AuditView(self.store, self.audit_id)

    def site_info(self, view: AuditView) -> SiteInfo:
        return next(s for s in view.sites() if s.site == self.site)

    def run(self, rule_id: str, rule: Rule | None = None) -> list[Result]:
        """Results of one rule of the bundled rulebook (or the given rule) on this site."""
        rule = rule or self.rules[rule_id]
        view = self.view()
        return list(get_kind(rule.kind)(view, self.site_info(view), rule))

    def by_subject(self, rule_id: str) -> dict[str, Result]:
        return {r.subject: r for r in self.run(rule_id)}
