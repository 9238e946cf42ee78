"""Given names holding the look-alike of a rare name character: ocr.rare_names and review."""

from __future__ import annotations

from ocr import assess, extract_fields
from ocr.rare_names import rare_lookalikes
from tests.ocr.forms import line


def test_a_lookalike_in_the_given_name_is_named_with_the_rare_character():
    assert rare_lookalikes("孙保吉") == ["\U00020bb7"]
    assert rare_lookalikes("叶贵王") == ["\U0002123c"]
    assert rare_lookalikes("沈壬") == ["\U0002123c"]
    assert rare_lookalikes("孟兰套") == rare_lookalikes("郭丽荟") == ["\U0002003e"]  # 𠀾
    assert rare_lookalikes("李云") == []  # 𠀾's other answer, a common name character


def test_the_surname_is_not_checked():
    assert rare_lookalikes("王秀英") == []
    assert rare_lookalikes("吉建国") == []
    assert rare_lookalikes("欧阳吉") == ["\U00020bb7"]  # compound surname, then the given name


def test_names_of_peoples_without_surnames_are_not_checked():
    assert rare_lookalikes("德吉", surname_expected=False) == []


def _table(husband: str, wife: str, ethnicity: str = "汉") -> list:
    return [
        line("结婚登记申请书", 400, 40),
        line("登记日期：2005年3月12日", 100, 120),
        line("结婚证字号：J620722-2005-000123", 100, 180),
        line("男方姓名：" + husband, 100, 260),
        line("性别：男", 100, 320),
        line("民族：" + ethnicity, 100, 380),
        line("女方姓名：" + wife, 100, 460),
        line("性别：女", 100, 520),
        line("民族：" + ethnicity, 100, 580),
    ]


def test_a_sure_name_with_a_lookalike_goes_to_review_and_the_other_does_not():
    reading = assess(extract_fields(_table("孙保吉", "李秀英")))
    assert reading.parties[0].name == "孙保吉"
    assert "name_rare_lookalike" in reading.fields["parties[0].name"].issues
    assert "name_rare_lookalike" not in reading.fields["parties[1].name"].issues
    assert any("parties[0].name: name_rare_lookalike" in r for r in reading.review_reasons)


def test_a_tibetan_name_with_ji_is_not_held_for_it():
    reading = assess(extract_fields(_table("扎西", "德吉", "藏")))
    assert reading.parties[1].name == "德吉"
    assert "name_rare_lookalike" not in reading.fields["parties[1].name"].issues


def test_a_han_style_name_of_a_spouse_of_a_people_without_surnames_is_checked():
    """錢玉吉 with 蒙古 read beside it: the name begins with a surname, so its given
    name is checked like any other (a Tibetan 德吉 begins with none: not held)."""
    reading = assess(extract_fields(_table("錢玉吉", "德吉", "蒙古")))
    assert "name_rare_lookalike" in reading.fields["parties[0].name"].issues
    assert "name_rare_lookalike" not in reading.fields["parties[1].name"].issues


def test_huo_in_a_given_name_may_be_yu_and_yu_read_as_itself_is_not_held():
    # 彧 is in the alphabet but read 或 on worn scans; 或 is no given-name character
    assert rare_lookalikes("丁或") == ["彧"]
    assert rare_lookalikes("林成彧") == []
    assert rare_lookalikes("李秀\U00020bb7") == ["\U00020bb7"]  # written from its strokes
