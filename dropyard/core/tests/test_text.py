"""core.text.clean_line: printable one-line names and addresses."""

import pytest

from dropyard.core.text import clean_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 Main\x1b[2J Street", "1 Main[2J Street"),  # ESC (an ANSI sequence loses its ESC)
        ("Jane\x07 Doe", "Jane Doe"),  # BEL
        ("Jane\x00Doe", "JaneDoe"),  # NUL (from a CSV file or a store; requests refuse it)
        ("Jane\x85Doe", "Jane Doe"),  # NEL: a C1 line break becomes a space
        ("Jane\x9bDoe", "JaneDoe"),  # CSI, another C1 control
        ("Jane\x7fDoe", "JaneDoe"),  # DEL
        ("\u202eetatS nretsaE 21", "etatS nretsaE 21"),  # RIGHT-TO-LEFT OVERRIDE
        ("a\u202ab\u202bc\u202cd\u202de", "abcde"),  # embeddings, pop, LTR override
        ("a\u2066b\u2067c\u2068d\u2069e", "abcde"),  # isolates
        ("Line 1\nLine 2\r\n\tFlat 3", "Line 1 Line 2 Flat 3"),
        ("  Rue   de  l'Église  ", "Rue de l'Église"),
        ("\u05e9\u05dc\u05d5\u05dd\u200f 12", "\u05e9\u05dc\u05d5\u05dd\u200f 12"),  # RLM kept
        ("👩\u200d💻 Studio", "👩\u200d💻 Studio"),  # zero-width joiner kept (emoji, Indic)
        (None, ""),
        (12, "12"),
    ],
)
def test_clean_line(raw, expected):
    assert clean_line(raw) == expected
