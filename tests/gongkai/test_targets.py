from pathlib import Path

import pytest

from gongkai.targets import TargetsError, infer_kind, load_targets

GOOD = """\
audit:
  name: 2024年第二季度政务公开第三方评估
  period: 2024Q2
  as_of: 2024-08-05
crawl:
  download_delay: 0.5
  concurrent_requests_per_domain: 4
sites:
  - id: jiangchuan
    name: 江川市人民政府
    home: http://127.0.0.1:8001/
    region: 云南
    hosts: [xxgk.example.gov.cn]
    columns:
      policy_docs: http://127.0.0.1:8001/zwgk/zcwj/
  - id: caizheng
    name: 江川市财政局
    home: http://127.0.0.1:8002/
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_validates(tmp_path):
    targets = load_targets(write(tmp_path, GOOD))
    first, second = targets.sites
    assert first.kind == "government" and second.kind == "department"
    assert targets.crawl.download_delay == 0.5
    assert str(targets.audit.as_of) == "2024-08-05"


def test_sites_differ_by_port(tmp_path):
    first, second = load_targets(write(tmp_path, GOOD)).sites
    assert first.owns("http://127.0.0.1:8001/a.html")
    assert not first.owns("http://127.0.0.1:8002/a.html")
    assert second.owns("http://127.0.0.1:8002/x/")
    assert first.owns("https://xxgk.example.gov.cn/zcwj/")


@pytest.mark.parametrize(("mutation", "expected"), [
    (("home: http://127.0.0.1:8002/", "home: notaurl"), ":18: sites[1].home: not a URL"),
    (("  - id: caizheng", "  - id: ../../etc"), ":16: sites[1].id: String should match pattern"),
    (("  - id: caizheng", "  - id: jiangchuan"), "duplicate site id 'jiangchuan'"),
    (("  download_delay: 0.5", "  download_delay: 0.5\n  colour: red"), ":7: crawl.colour: unknown key"),
    (("  period: 2024Q2", "  period: 2024Q9"), ":3: audit.period: not a period"),
    (("      policy_docs:", "      fiscal:"), "unknown column type 'fiscal'"),
    (("hosts: [xxgk.example.gov.cn]", "hosts: ['xxgk.example.gov.cn:99999']"), ":13: sites[0].hosts: not a host name (bad port)"),
])
def test_bad_files_give_one_line(tmp_path, mutation, expected):
    path = write(tmp_path, GOOD.replace(*mutation))
    with pytest.raises(TargetsError) as err:
        load_targets(path)
    message = str(err.value)
    assert message.startswith(str(path)) and expected in message and "\n" not in message


@pytest.mark.parametrize("text", [
    "audit: &a {name: x, period: 2024}\nsites: *a\n",
    "a: &a [1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b]\n",
    "audit: !!python/object/apply:os.system ['true']\n",
    "audit: {name: x, name: y, period: 2024}\n",
    "- just\n- a list\n",
    "",
])
def test_hostile_yaml_is_refused(tmp_path, text):
    with pytest.raises(TargetsError):
        load_targets(write(tmp_path, text))


def test_kind_inference():
    assert infer_kind("江川市人民政府") == "government"
    assert infer_kind("江川市财政局") == "department"
    assert infer_kind("龙街镇人民政府") == "township"
    assert infer_kind("城关街道办事处") == "township"


def test_every_column_type_has_a_chinese_label():
    from gongkai.vocab import column_label, column_types

    for ctype in column_types():
        assert column_label(ctype) != ctype
    assert column_label("policy_docs") == "政策文件"
