"""Does a name read by OCR begin with a surname? (a lost first character shows here)

A Han, Hui, Yugur … name starts with its surname, and surnames are a closed,
well-documented set (the 百家姓 plus the surnames counted by the census, with the
ones frequent in Gansu: 闫 马 妥 海 纳 沙 哈 …). When recognition drops the first
character of a name (``兵德`` for ``閆兵德``, ``翠珍`` for ``錢翠珍``), the
remaining given name rarely starts with a surname: the name goes to review
(``name_surname_unknown``) even when read confidently and in a box of its width.

Tibetan and Mongolian personal names carry no surname (扎西, 卓玛, 其其格): the
check is waived for spouses whose ethnicity is read as one of those peoples.
A name the list does not know (a rare surname) goes to review: a clerk looks,
nothing is guessed.
"""

from __future__ import annotations

from schemas.names import COMPOUND_SURNAMES, simplify_name

# Single-character surnames, simplified script: the 百家姓's single surnames and the
# census's most frequent ones (闫 付 肖 …), with surnames common among the Hui and
# Yugur of Hexi (马 海 纳 沙 哈 妥 兰 火 拜 喇 铁 敏 …).
_SINGLE_SURNAMES_TEXT = """
赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章
云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常
乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞
熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍
虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁
荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫
宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙
池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温
别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧
殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游
竺权逯盖益桓公闫付肖覃岳帅练庹涂牟芦麦佟苟隋商佘苑迟邝官楚鄢谌粟冼楼盘位仝区豆朴
漆卿晋初门敬来普邸辜阿母亓修赫况鲜战银亢宾呼揭但尉冶斯檀衣信展智奉植尧闭由代占达
海纳哈妥兰拜喇铁敏者买丑才旦答马陕秘种折黑员句郇洗召粘操过重覃贠寸侍矫冒逢隽荔火萨
"""
SINGLE_SURNAMES: frozenset[str] = frozenset("".join(_SINGLE_SURNAMES_TEXT.split()))

# Peoples whose personal names carry no surname (read on the form as 藏, 蒙古, with or without 族).
PEOPLES_WITHOUT_SURNAMES = ("藏", "蒙古")


def starts_with_surname(name: str) -> bool:
    """True when the name (either script) begins with a known surname.

    Names of one character and names with a middle dot (transliterated names)
    are not judged: True.
    """
    text = simplify_name(name)
    if len(text) < 2 or "·" in text:
        return True
    return text[:2] in COMPOUND_SURNAMES or text[0] in SINGLE_SURNAMES


def surname_expected(ethnicity: str | None) -> bool:
    """False for spouses of a people whose names have no surname (see module doc)."""
    if not ethnicity:
        return True
    people = simplify_name(ethnicity).removesuffix("族")
    return people not in PEOPLES_WITHOUT_SURNAMES
