"""The command line's contracts: exit statuses, one-line errors, nothing written on bad input."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from gongkai import __version__
from gongkai.cli import main
from tests.environment import need


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.parametrize("command", ["audit", "crawl", "check", "report", "demo", "rules", "extract"])
def test_help_on_each_command(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "usage: gongkai " + command in capsys.readouterr().out


def test_bad_targets_file_one_line_exit_2_nothing_written(tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_text("audit: {name: x, period: 2024Q2}\nsites:\n  - id: a\n    name: 江川市人民政府\n"
                       "    home: notaurl\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run("audit", str(targets), "--out", str(out))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (f"gongkai: error: {targets}:5: sites[0].home: "
                                   "not a URL (want http:// or https:// and a host): 'notaurl'")
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_unknown_key_and_missing_file(tmp_path):
    targets = tmp_path / "t.yaml"
    targets.write_text("audit: {name: x, period: 2024Q2}\nsites: []\nextra: 1\n", encoding="utf-8")
    assert main(["crawl", str(targets), "--out", str(tmp_path / "o")]) == 2
    assert main(["crawl", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o")]) == 2


def test_check_and_report_without_store_exit_2(tmp_path, capsys):
    assert main(["check", "--out", str(tmp_path / "empty")]) == 2
    assert "no such store" in capsys.readouterr().err
    assert main(["report", "--store", str(tmp_path / "none.sqlite")]) == 2


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    targets = tmp_path / "t.yaml"
    targets.write_text("audit: {name: x, period: 2024Q2}\nsites:\n  - {id: a, name: 某局, home: 'http://127.0.0.1:9/'}\n",
                       encoding="utf-8")
    afile = tmp_path / "file"
    afile.write_text("x")
    assert main(["audit", str(targets), "--out", str(afile)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_extract_missing_file_exit_2(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "nope.html")]) == 2
    assert "cannot read" in capsys.readouterr().err


EXTRACT_KEYS = {"title", "publish_date", "written_date", "doc_number", "index_number", "publisher", "validity",
                "disclosure_label", "items"}


def test_extract_prints_the_contract_json_for_a_file():
    from tests.paths import CORPUS_PAGES

    proc = run("extract", str(CORPUS_PAGES / "002_govcn_zhengce_5365945_fragment.html"))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == EXTRACT_KEYS
    assert data["doc_number"] == "国发〔2019〕5号"
    assert data["publish_date"] == "2019-02-15" and data["disclosure_label"] == "此件公开发布"


def test_extract_reads_a_url_and_lists_items(tmp_path):
    from gongkai.demo.server import SiteServer
    from tests.crawler.sites import trs_site

    with SiteServer(trs_site(tmp_path / "trs")) as srv:
        proc = run("extract", srv.base_url + "zwgk/zcwj/index_1.html")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["items"] == [{"title": "江川市人民政府办公室关于做好防汛工作的通知",
                              "url": srv.base_url + "zwgk/zcwj/202405/t20240510_1001.html", "date": "2024-05-10"}]


def test_extract_fetches_as_the_crawl_does(tmp_path):
    """One HTTP stack: the page a site serves to the crawl's User-Agent is the one extract reads."""
    from gongkai.crawler.settings import USER_AGENT
    from gongkai.demo.server import SiteServer
    from tests.crawler.sites import write_tree

    root = write_tree(tmp_path / "ua", {
        "page.html": "<html><head><title>浏览器看到的页面</title></head><body></body></html>",
        "_crawl.html": "<html><head><title>抓取看到的页面</title></head><body></body></html>",
    }, {"user_agent": {USER_AGENT: {"/page.html": "_crawl.html"}}})
    with SiteServer(root) as srv:
        proc = run("extract", srv.base_url + "page.html")
        missing = run("extract", srv.base_url + "gone.html")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["title"] == "抓取看到的页面"
    assert missing.returncode == 2 and "HTTP 404" in missing.stderr and "Traceback" not in missing.stderr


def test_extract_unreachable_url_exit_2():
    proc = run("extract", "http://127.0.0.1:9/x.html")
    assert proc.returncode == 2 and "cannot fetch" in proc.stderr and "Traceback" not in proc.stderr


def test_a_file_that_is_not_a_store_is_one_line_exit_2(tmp_path, capsys):
    fake = tmp_path / "notes.sqlite"
    fake.write_text("audit: {}\n" * 200)
    assert main(["check", "--store", str(fake)]) == 2
    err = capsys.readouterr().err
    assert "not a usable gongkai store" in err and "Traceback" not in err


def test_unknown_audit_id_zero(tmp_path, capsys):
    from gongkai.store import Store

    Store(tmp_path / "s.sqlite").create_audit("a", "2024Q2", __import__("datetime").date(2024, 8, 5), {})
    assert main(["check", "--store", str(tmp_path / "s.sqlite"), "--audit", "0"]) == 2
    assert "no audit #0" in capsys.readouterr().err


# -- bad input: one line naming file:line:field (or the path / URL), exit 2, never a traceback -----

SITE = "sites:\n  - {id: a, name: 某局, home: 'http://127.0.0.1:9/'}\n"


def one_line_error(proc: subprocess.CompletedProcess[str], code: int) -> str:
    """The single stderr line of a failed command (asserting its exit status and shape)."""
    assert proc.returncode == code, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("gongkai: error: "), proc.stderr[-2000:]
    return proc.stderr.strip()


@pytest.mark.parametrize(("text", "expected"), [
    ("audit: {name: x, period: 2024Q2, as_of: 2024-13-45}\n" + SITE, ":1: audit.as_of: Input should be a valid date"),
    ("? [1, 2]\n: x\n", ":1: top level: a key must be a plain value"),
    ("[" * 10_000 + "\n", ":1: nested deeper than 64 levels"),
    ("audit: {name: x, period: 2024Q2}\ncrawl: {max_page_bytes: 99999999999999999999999}\n" + SITE,
     ":2: crawl.max_page_bytes: Input should be less than or equal to 1000000000"),
    ("audit: {name: x, period: 2024Q2}\nsites:\n  - id: a\n    name: 某局\n    home: 'http://127.0.0.1:9/'\n"
     "    columns:\n      news: http//host/x\n", ":7: sites[0].columns.news: not a URL"),
    ("audit: {name: x, period: 2024Q2}\nsites:\n  - {id: a, name: 某局, home: 'ftp://127.0.0.1/'}\n",
     ":3: sites[0].home: not a URL"),
    ("audit: {name: x, period: !!int abc}\n" + SITE, ":1: invalid 'abc' for tag:yaml.org,2002:int"),
])
def test_hostile_targets_are_one_line_exit_2(tmp_path, text, expected):
    targets = tmp_path / "t.yaml"
    targets.write_text(text, encoding="utf-8")
    line = one_line_error(run("crawl", str(targets), "--out", str(tmp_path / "out")), 2)
    assert line.startswith(f"gongkai: error: {targets}:") and expected in line
    assert not (tmp_path / "out").exists()


def test_out_under_a_plain_file_is_exit_2(tmp_path):
    targets = tmp_path / "t.yaml"
    targets.write_text("audit: {name: x, period: 2024Q2}\n" + SITE, encoding="utf-8")
    (tmp_path / "somefile").write_text("x")
    for command in (["crawl", str(targets)], ["audit", str(targets)], ["check"], ["report"]):
        line = one_line_error(run(*command, "--out", str(tmp_path / "somefile" / "sub")), 2)
        assert "somefile/sub: is under" in line and "not a directory" in line


def test_unknown_region_is_one_warning_listing_the_known_regions(tmp_path):
    """A region only selects overrides: accepted, with one warning line (the crawl still runs)."""
    targets = tmp_path / "t.yaml"
    targets.write_text("audit: {name: x, period: 2024Q2}\nsites:\n  - id: a\n    name: 某局\n"
                       "    home: 'http://127.0.0.1:9/'\n    region: 云南省\n  - {id: b, name: 某厅, home: 'http://127.0.0.1:9/b/', region: 辽宁省大连市}\n"
                       "crawl: {home_attempts: 1}\n", encoding="utf-8")
    proc = run("crawl", str(targets), "--out", str(tmp_path / "out"))
    assert proc.returncode == 4, proc.stderr[-2000:]  # the crawl ran; nothing answered, so nothing is graded
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("gongkai: warning:")]
    assert warnings == [f"gongkai: warning: {targets}:6: sites[0].region: '云南省' selects no regional rule parameters; "
                        "national defaults apply (regions the rules know: 辽宁, 黑龙江)"]
    assert "Traceback" not in proc.stderr


def test_store_url_without_a_driver_is_one_line_with_the_password_masked(tmp_path):
    assert not _has_module("pg8000")  # a driver gongkai never installs
    targets = tmp_path / "t.yaml"
    targets.write_text("audit: {name: x, period: 2024Q2}\n" + SITE, encoding="utf-8")
    url = "postgresql+pg8000://auditor:s3cret@127.0.0.1:1/gk"
    line = one_line_error(run("crawl", str(targets), "--store", url), 2)
    assert "postgresql+pg8000://auditor:***@127.0.0.1:1/gk" in line and "no database driver" in line
    assert "s3cret" not in line


def test_store_url_with_nobody_listening_is_one_line_with_the_password_masked(tmp_path):
    need(_has_module("psycopg"), "psycopg is not installed (pip install -e '.[distributed]')")
    from gongkai.demo.portal import closed_port

    url = f"postgresql+psycopg://auditor:s3cret@127.0.0.1:{closed_port()}/gk"
    line = one_line_error(run("check", "--store", url), 2)
    assert "auditor:***@" in line and "s3cret" not in line and "no database driver" not in line


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


# -- the machine's failures: one line naming the path, exit 1, what was stored stays ---------------

@pytest.fixture
def small_disk(tmp_path):
    """A 16 MB tmpfs of our own (root in a sandbox); skipped where mounting is not permitted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {(proc.stderr or proc.stdout).strip()[:200]}")
    yield mount
    subprocess.run(["umount", "--lazy", str(mount)], capture_output=True)


def fill(mount: Path) -> None:
    """Fill the file system to the last byte (whatever its size and the machine's speed)."""
    fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for chunk in (1 << 20, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * chunk)
    finally:
        os.close(fd)


def full_disk(line: str) -> bool:
    """The one line says the disk is full (SQLite's words or the system's)."""
    return any(words in line for words in ("database or disk is full", "No space left on device",
                                           "(no space left on device)"))


def free(mount: Path) -> None:
    (mount / "filler").unlink()


def portal_targets(tmp_path: Path, base_url: str) -> Path:
    targets = tmp_path / "t.yaml"
    targets.write_text(yaml.safe_dump({"audit": {"name": "磁盘", "period": "2024Q2", "as_of": "2024-08-05"},
                                       "crawl": {"download_delay": 0, "download_timeout": 600, "retry_times": 0},
                                       "sites": [{"id": "trs", "name": "江川市人民政府", "home": base_url}]},
                                      allow_unicode=True), encoding="utf-8")
    return targets


def test_out_on_a_read_only_file_system_is_one_line_exit_1(small_disk, tmp_path):
    targets = tmp_path / "t.yaml"
    targets.write_text("audit: {name: x, period: 2024Q2}\n" + SITE, encoding="utf-8")
    from gongkai.store import Store

    existing = small_disk / "existing"
    existing.mkdir()
    Store(existing / "gongkai.sqlite").close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    line = one_line_error(run("crawl", str(targets), "--out", str(small_disk / "new")), 1)
    assert line == f"gongkai: error: {small_disk / 'new'}: Read-only file system"
    line = one_line_error(run("audit", str(targets), "--out", str(existing)), 1)
    assert line == f"gongkai: error: {existing / '.gongkai.lock'}: Read-only file system"
    line = one_line_error(run("check", "--out", str(existing)), 1)   # opening the store is writing (WAL)
    assert line.startswith(f"gongkai: error: {existing}") and "Read-only file system" in line


def test_out_in_a_directory_we_may_not_write_is_one_line_exit_1(tmp_path):
    base = Path(tempfile.mkdtemp(prefix="gongkai-perm-"))   # outside pytest's root-only tmp dir
    try:
        base.chmod(0o755)
        targets = base / "t.yaml"
        targets.write_text("audit: {name: x, period: 2024Q2}\n" + SITE, encoding="utf-8")
        (base / "closed").mkdir(mode=0o555)
        (base / "closed").chmod(0o555)
        prefix: list[str] = []
        if os.geteuid() == 0:   # root writes anywhere: run the command as nobody
            prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            probe = subprocess.run([*prefix, sys.executable, "-c", "import gongkai"], capture_output=True)
            if probe.returncode != 0:
                pytest.skip("cannot run gongkai as an unprivileged user here")
        proc = subprocess.run([*prefix, sys.executable, "-m", "gongkai.cli", "crawl", str(targets),
                               "--out", str(base / "closed" / "out")], capture_output=True, text=True, timeout=120)
        line = one_line_error(proc, 1)
        assert line == f"gongkai: error: {base / 'closed' / 'out'}: Permission denied"
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_file_system_without_blocks_is_not_called_full(tmp_path):
    """/proc has no free blocks because it has no blocks at all: not "no space left on device"."""
    targets = tmp_path / "t.yaml"
    targets.write_text("audit: {name: x, period: 2024Q2}\n" + SITE, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", str(targets), "--out", "/proc/gongkai-out"],
                          capture_output=True, text=True, timeout=120)
    line = one_line_error(proc, 1)
    assert line.startswith("gongkai: error: /proc/gongkai-out") and "space" not in line


def test_a_full_disk_before_the_store_exists_is_one_line_exit_1(small_disk, tmp_path):
    from gongkai.demo.server import SiteServer
    from tests.crawler.sites import trs_site

    out = small_disk / "out"
    out.mkdir()
    fill(small_disk)
    with SiteServer(trs_site(tmp_path / "trs")) as srv:
        line = one_line_error(run("crawl", str(portal_targets(tmp_path, srv.base_url)), "--out", str(out)), 1)
    assert line.startswith(f"gongkai: error: {out / 'gongkai.sqlite'}: ") and full_disk(line)
    free(small_disk)
    from gongkai.store import Store

    Store(out / "gongkai.sqlite").close()   # still a store: it opens


def test_check_and_report_on_a_full_disk_are_one_line_exit_1_and_the_audit_survives(small_disk, tmp_path):
    from gongkai.demo.server import SiteServer
    from gongkai.store import Store, pages
    from tests.crawler.sites import trs_site

    out = small_disk / "out"
    with SiteServer(trs_site(tmp_path / "trs")) as srv:
        proc = run("audit", str(portal_targets(tmp_path, srv.base_url)), "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    store = Store(out / "gongkai.sqlite")
    stored = len(store.rows(pages, 1))
    store.close()
    shutil.rmtree(out / "scorecard")
    (out / "report.xlsx").unlink()
    fill(small_disk)
    for command in ("report", "check"):
        line = one_line_error(run(command, "--out", str(out)), 1)
        assert line.startswith(f"gongkai: error: {out}") and full_disk(line), line
    free(small_disk)
    store = Store(out / "gongkai.sqlite")
    assert store.latest_audit_id() == 1 and len(store.rows(pages, 1)) == stored > 0
    store.close()


def test_a_disk_that_fills_during_the_crawl_is_one_line_exit_1_and_keeps_the_pages(small_disk, tmp_path):
    from gongkai.store import Store, pages
    from tests.crawler.hostile import GatedServer, gated_targets

    out = small_disk / "out"
    targets = tmp_path / "t.yaml"
    with GatedServer() as srv:
        targets.write_text(yaml.safe_dump(gated_targets(srv.base_url), allow_unicode=True), encoding="utf-8")
        crawl = subprocess.Popen([sys.executable, "-m", "gongkai.cli", "crawl", str(targets), "--out", str(out)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert srv.wait_reached(), "the crawl never reached the gate"
            fill(small_disk)   # the crawl is held at the gate; what it fetches next cannot be stored
        finally:
            srv.open_gate()
            _, err = crawl.communicate(timeout=240)
    free(small_disk)
    store = Store(out / "gongkai.sqlite")
    assert store.rows(pages, 1), "pages stored before the disk filled are kept"
    store.close()
    assert crawl.returncode == 1, err[-2000:]
    assert err.count("\n") == 1 and err.startswith(f"gongkai: error: {out / 'gongkai.sqlite'}: ")


def test_a_demo_starts_with_no_output_of_the_demo_before_it(tmp_path):
    """An interrupted demo must leave no scorecard of an earlier run looking like its own; what the
    report does not write stays."""
    from gongkai.cli import _remove_demo_run
    from gongkai.reports import outputs

    for name in (*outputs.FILES, "gongkai.sqlite", "gongkai.sqlite-wal", "notes.txt"):
        (tmp_path / name).write_text("old", encoding="utf-8")
    (tmp_path / outputs.SCORECARD / "snapshots").mkdir(parents=True)
    (tmp_path / outputs.SCORECARD / "index.html").write_text("old", encoding="utf-8")
    _remove_demo_run(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
