"""Given-name characters the recognizer has no class for, and what it reads instead.

Some characters registered in names lie outside PP-OCRv6 small's 18,708 classes
(CJK Extension B: 𠮷 jí, 𡈼 tǐng). The model can never answer them; it answers
their nearest look-alike, sure (𠮷 → 吉, 𡈼 → 王 or 壬, read at 0.9+ in the line,
the cell and a padded cell), so no doubt check fires, and the glyphs differ by one
stroke's length, which the scan's blur hides (docs/extraction.md, sessions 16-17).

A given name holding such a look-alike goes to review (``name_rare_lookalike``,
blocking): the clerk sees on the scan which of the two is written. Only the given
name is checked (王 is the commonest surname and no surname here has a rare form),
and not for spouses of a people whose names carry no surname (Tibetan 德吉 is
written with 吉). The table lists the rare characters met in this archive's names;
a clerk who meets another one adds its look-alikes here. A character the model
drops instead of replacing (𠀾, 𠁞) is caught, where it can be, by
``ocr.name_lost``.
"""

from __future__ import annotations

from schemas.names import split_name

# look-alike the recognizer answers -> the rare character it may stand for
# 𠀾 is dropped more often than replaced, but answered 套 or 荟 at times (session 18:
# held then only because the recognizer was unsure); 云 / 雲, its other answers, are
# common in names and are not listed (54 of 2,700 synth names hold 云).
RARE_LOOKALIKES: dict[str, str] = {
    "吉": "\U00020bb7",
    "王": "\U0002123c",
    "壬": "\U0002123c",
    "套": "\U0002003e",
    "荟": "\U0002003e",
    # 彧 is in the alphabet but read 或 sure on worn scans (丁或, 林成或: stop 20 and 21's
    # fresh corpora); 或 ("or") is no given-name character.
    "或": "彧",
}


# The rare characters outside the recognizer's alphabet (CJK Extension B).
WRITTEN = frozenset(v for v in RARE_LOOKALIKES.values() if ord(v) > 0xFFFF)


def rare_lookalikes(name: str, surname_expected: bool = True) -> list[str]:
    """The rare characters the given name may hide: one per look-alike in it, and
    each rare character it holds.

    ``surname_expected`` False (a people without surnames) checks nothing.
    """
    if not surname_expected or len(name) < 2:
        return []
    _surname, given = split_name(name)
    # a character the recognizer cannot answer is there only because ocr/rare_strokes.py
    # wrote it: the clerk checks it too (彧, in the alphabet, read as itself, is not held)
    return [RARE_LOOKALIKES.get(ch, ch) for ch in given if ch in RARE_LOOKALIKES or ch in WRITTEN]
