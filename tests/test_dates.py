from datetime import date

import pytest

from newswatch.analysis.dates import find_dates

REF = date(2017, 2, 20)  # a Monday


def values(text, ref=REF):
    return [(d.text, d.value) for d in find_dates(text, ref)]


def test_weekday_with_day_month_fixes_the_date():
    assert values("said on Friday (February 17) that") == [("Friday (February 17)", "2017-02-17")]


def test_weekday_and_day_month_choose_the_year_that_matches():
    # 17 February fell on a Friday in 2017 but on a Wednesday in 2016 and a Saturday in 2018
    found = find_dates("on Friday, February 17", date(2017, 12, 30))
    assert found[0].value == "2017-02-17"


@pytest.mark.parametrize("text,value,first,last", [
    ("2 weeks ago", "2017-W06", "2017-02-06", "2017-02-12"),
    ("three days ago", "2017-02-17", "2017-02-17", "2017-02-17"),
    ("last year", "2016", "2016-01-01", "2016-12-31"),
    ("since April 2014", "2014-04", "2014-04-01", "2014-04-30"),
    ("yesterday", "2017-02-19", "2017-02-19", "2017-02-19"),
    ("next week", "2017-W09", "2017-02-27", "2017-03-05"),
    ("last month", "2017-01", "2017-01-01", "2017-01-31"),
    ("the third quarter of 1997", "1997-Q3", "1997-07-01", "1997-09-30"),
    ("in the 1990s", "199", "1990-01-01", "1999-12-31"),
    ("on Feb. 3, 2015", "2015-02-03", "2015-02-03", "2015-02-03"),
    ("on 2016-12-25", "2016-12-25", "2016-12-25", "2016-12-25"),
    ("last Friday", "2017-02-17", "2017-02-17", "2017-02-17"),
    ("this summer", "2017-SU", "2017-06-01", "2017-08-31"),
])
def test_relative_and_absolute_expressions_resolve(text, value, first, last):
    found = find_dates(f"It happened {text}.", REF)
    assert len(found) == 1, found
    assert (found[0].value, found[0].date_from, found[0].date_to) == (value, first, last)


def test_no_false_hits_on_ordinary_words():
    text = "We may march on, said Will. Sunday school was fine, but we may not say so. He has 2000 troops."
    assert values(text) == [("Sunday", "2017-02-19")]


def test_may_is_a_month_only_when_the_context_says_so():
    assert values("It may rain. In May it rained. May 5 was dry.") == [("May", "2016-05"), ("May 5", "2017-05-05")]


def test_without_reference_relative_dates_stay_unresolved_absolute_ones_resolve():
    found = {d.text: d.value for d in find_dates("It began 2 weeks ago, in April 2014, on Friday (February 17).", None)}
    assert found == {"2 weeks ago": None, "April 2014": "2014-04", "Friday (February 17)": "XXXX-02-17"}


def test_offsets_point_at_the_expression():
    text = "Talks ended on Tuesday and resume in March 2018."
    for d in find_dates(text, REF):
        assert text[d.start:d.end] == d.text


def test_future_tense_moves_bare_weekdays_forward():
    assert values("Ministers will meet on Friday.") == [("Friday", "2017-02-24")]
    assert values("Ministers met on Friday.") == [("Friday", "2017-02-17")]


def test_movable_feasts_fall_on_their_real_dates():
    # Easter moves between 22 March and 25 April; the dates below are the calendar's.
    found = {d.text: d.value for d in find_dates(
        "The ferry sank on Easter Monday 2017, the bridge closed at Easter 2038, and the strike began on "
        "Good Friday 2024.", None)}
    assert found == {"Easter Monday 2017": "2017-04-17", "Easter 2038": "2038-04-25", "Good Friday 2024": "2024-03-29"}
