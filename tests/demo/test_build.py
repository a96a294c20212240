"""The committed demo trees are exactly what ``gongkai.demo.builder`` writes.

The site HTML is generated from the builder's tables: a hand edit of the trees, or a builder change
whose output was not committed, would make the two drift apart.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.demo.builder import SITES, build_all
from gongkai.demo.builder.__main__ import main
from gongkai.demo.portal import SITES_DIR


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sites")
    build_all(out)
    return out


def test_the_builder_writes_the_trees_the_demo_serves() -> None:
    assert sorted(SITES) == sorted(p.name for p in SITES_DIR.iterdir() if p.is_dir() and p.name[0] not in "_.")


@pytest.mark.parametrize("tree", sorted(SITES))
def test_committed_tree_is_what_the_builder_writes(built: Path, tree: str) -> None:
    fresh, committed = _files(built / tree), _files(SITES_DIR / tree)
    assert sorted(fresh) == sorted(committed), "files added or missing: re-run python -m gongkai.demo.builder"
    assert [rel for rel in fresh if fresh[rel] != committed[rel]] == [], "files differ"


def test_no_python_in_the_served_trees() -> None:
    """The trees are package data served as files; the builder lives beside them, not inside."""
    assert list(SITES_DIR.rglob("*.py")) == []


def test_rebuilding_replaces_what_was_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "trs_city" / "stale.html"
    stale.parent.mkdir()
    stale.write_text("old", encoding="utf-8")
    main([str(tmp_path)])
    assert not stale.exists()
    assert (tmp_path / "generic_town" / "_pages.tsv").is_file()
    assert str(tmp_path) in capsys.readouterr().out
