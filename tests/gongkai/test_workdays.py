from datetime import date

import pytest

from gongkai.workdays import add_workdays, is_workday, parse_period, workdays_between


def test_third_working_day_skips_qingming_and_counts_the_worked_sunday():
    # 2024-04-04..06 清明 holiday; Sunday 2024-04-07 was a 调休 working day
    assert add_workdays(date(2024, 4, 3), 3) == date(2024, 4, 9)
    assert is_workday(date(2024, 4, 7)) is True
    assert is_workday(date(2024, 4, 4)) is False


def test_labour_day_and_national_day_tiaoxiu():
    assert is_workday(date(2024, 4, 28)) is True      # Sunday worked before 劳动节
    assert add_workdays(date(2024, 4, 30), 1) == date(2024, 5, 6)
    assert is_workday(date(2024, 10, 12)) is True     # Saturday worked after 国庆
    assert add_workdays(date(2024, 9, 30), 1) == date(2024, 10, 8)


def test_year_without_calendar_is_unknown_not_guessed():
    assert is_workday(date(2031, 3, 3)) is None
    assert add_workdays(date(2031, 3, 3), 3) is None
    assert workdays_between(date(2031, 3, 3), date(2031, 3, 10)) is None


def test_workdays_between_excludes_the_start_day():
    assert workdays_between(date(2024, 4, 3), date(2024, 4, 9)) == 3
    assert workdays_between(date(2024, 4, 9), date(2024, 4, 3)) == 0


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2024Q2", date(2024, 4, 1), date(2024, 6, 30)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2023", date(2023, 1, 1), date(2023, 12, 31)),
])
def test_periods(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("bad", ["2024Q5", "2024-13", "24Q1", "Q2 2024", ""])
def test_bad_periods(bad):
    with pytest.raises(ValueError):
        parse_period(bad)
