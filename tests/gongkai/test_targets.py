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


@pytest.mark.parametrize(("field", "value", "message"), [
    ("download_delay", "61", "less than or equal to 60"),
    ("download_delay", "-1", "greater than or equal to 0"),
    ("download_delay", ".nan", "finite number"),
    ("concurrent_requests", "257", "less than or equal to 256"),
    ("concurrent_requests", "0", "greater than or equal to 1"),
    ("concurrent_requests", "true", "valid integer"),
    ("concurrent_requests_per_domain", "65", "less than or equal to 64"),
    ("download_timeout", "0.5", "greater than or equal to 1"),
    ("download_timeout", "601", "less than or equal to 600"),
    ("retry_times", "11", "less than or equal to 10"),
    ("max_page_bytes", "99999999999999999999999", "less than or equal to 1000000000"),
    ("max_page_bytes", "100", "greater than or equal to 10000"),
    ("max_pages_per_site", "1000001", "less than or equal to 1000000"),
    ("max_list_pages", "10001", "less than or equal to 10000"),
    ("max_links_checked_per_site", "1000001", "less than or equal to 1000000"),
    ("lookback_days", "3661", "less than or equal to 3660"),
    ("user_agent", '"bot\\r\\nX-Injected: 1"', "should match pattern"),
    ("tls_check", "3", "valid boolean"),
])
def test_every_crawl_number_is_bounded(tmp_path, field, value, message):
    crawl = {"download_delay": "0.5", "concurrent_requests_per_domain": "4", field: value}
    block = "".join(f"  {key}: {val}\n" for key, val in crawl.items())
    path = write(tmp_path, GOOD.replace("  download_delay: 0.5\n  concurrent_requests_per_domain: 4\n", block))
    with pytest.raises(TargetsError) as err:
        load_targets(path)
    line = 6 + list(crawl).index(field)
    assert str(err.value).startswith(f"{path}:{line}: crawl.{field}: ") and message in str(err.value)


@pytest.mark.parametrize(("value", "message"), [('["http://beian.miit.gov.cn/"]', "should match pattern"),  # a URL
                                                 ('[""]', "at least 1 character")])
def test_link_skip_hosts_are_host_names(tmp_path, value, message):
    block = f"  download_delay: 0.5\n  link_skip_hosts: {value}\n"
    path = write(tmp_path, GOOD.replace("  download_delay: 0.5\n  concurrent_requests_per_domain: 4\n", block))
    with pytest.raises(TargetsError) as err:
        load_targets(path)
    assert str(err.value).startswith(f"{path}:7: crawl.link_skip_hosts[0]: ") and message in str(err.value)


def test_the_crawl_defaults_lie_within_the_bounds():
    from gongkai.crawler import settings
    from gongkai.targets import CrawlOptions

    defaults = CrawlOptions()
    for friendly, setting in settings.FRIENDLY_NAMES.items():
        if isinstance(getattr(defaults, friendly), int | float) and not isinstance(getattr(defaults, friendly), bool):
            CrawlOptions.model_validate({friendly: getattr(settings, setting)})   # Scrapy's default passes too


@pytest.mark.parametrize(("url", "expected"), [
    ("http//host/x", "not a URL"),
    ("ftp://127.0.0.1/zcwj/", "not a URL"),
    ("http:///zcwj/", "not a URL"),
    ("javascript:alert(1)", "not a URL"),
    ("http://bad host/x", "bad host name"),
    ("http://127.0.0.1:99999/", "bad port"),
])
def test_a_bad_column_url_is_named_by_its_column(tmp_path, url, expected):
    path = write(tmp_path, GOOD.replace("policy_docs: http://127.0.0.1:8001/zwgk/zcwj/", f"policy_docs: '{url}'"))
    with pytest.raises(TargetsError) as err:
        load_targets(path)
    assert str(err.value).startswith(f"{path}:15: sites[0].columns.policy_docs: ") and expected in str(err.value)


@pytest.mark.parametrize(("text", "expected"), [
    (GOOD.replace("as_of: 2024-08-05", "as_of: 2024-13-45"), ":4: audit.as_of: Input should be a valid date"),
    (GOOD.replace("as_of: 2024-08-05", "as_of: 2024-02-30"), ":4: audit.as_of: Input should be a valid date"),
    ("? [1, 2]\n: x\n", ":1: top level: a key must be a plain value"),
    ("audit:\n  ? {a: 1}\n  : x\n", ":2: audit: a key must be a plain value"),
    ("[" * 10_000, ":1: nested deeper than 64 levels"),
    ("{a: " * 10_000, ":1: nested deeper than 64 levels"),
    ("a:\n" + "".join(" " * i + "b:\n" for i in range(1, 200)), ":64: nested deeper than 64 levels"),
    ("audit: {name: x, period: !!int abc}\n", ":1: invalid 'abc' for tag:yaml.org,2002:int"),
    (GOOD.replace("as_of: 2024-08-05", "as_of: !!timestamp soon"), ":4: audit.as_of: Input should be a valid date"),
    ("audit: {name: x, period: !!float x}\n", ":1: invalid 'x' for tag:yaml.org,2002:float"),
    ("audit: {name: x, period: !!bool maybe}\n", ":1: invalid 'maybe' for tag:yaml.org,2002:bool"),
])
def test_yaml_that_made_pyyaml_raise_is_one_line(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(TargetsError) as err:
        load_targets(path)
    message = str(err.value)
    assert message.startswith(f"{path}:") and expected in message and "\n" not in message


def test_regions_are_matched_as_the_rules_match_them(tmp_path):
    from gongkai.targets import region_warning, unmatched_regions

    text = GOOD.replace("region: 云南", "region: 辽宁省大连市") + "    region: 云南省\n"
    path = write(tmp_path, text)
    targets = load_targets(path)
    assert unmatched_regions(targets, ["辽宁", "黑龙江"]) == [(1, "云南省")]
    assert region_warning(path, targets, ["黑龙江", "辽宁"]) == (
        f"{path}:19: sites[1].region: '云南省' selects no regional rule parameters; national defaults apply "
        "(regions the rules know: 辽宁, 黑龙江)")
    assert region_warning(path, targets, ["辽宁", "云南"]) is None
