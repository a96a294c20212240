"""The command line's contracts: exit statuses, one-line errors, nothing written on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai import __version__
from gongkai.cli import main


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
    assert proc.stderr.strip() == f"gongkai: error: {targets}:5: sites[0].home: not a URL"
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
