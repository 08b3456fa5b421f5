"""core.text: printable one-line names and addresses (clean_line), free text (clean_text)."""

import pytest

from dropyard.core.text import clean_line, clean_text, formula_safe


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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Gift wrap\x1b[31m please", "Gift wrap[31m please"),  # ESC
        ("Ring\x07 twice", "Ring twice"),  # BEL
        ("Leave\x9b at door", "Leave at door"),  # CSI
        ("\u202erood eht ta evaeL", "rood eht ta evaeL"),  # RIGHT-TO-LEFT OVERRIDE
        ("a\u202ab\u202bc\u202cd\u202de\u2066f\u2067g\u2068h\u2069i", "abcdefghi"),
        ("L1\r\nL2\rL3\u2028L4\x85L5", "L1\nL2\nL3\nL4\nL5"),  # CR LF, CR, LS, NEL
        ("<p>Soft\tcotton</p>\n<p>Two  spaces</p>", "<p>Soft cotton</p>\n<p>Two  spaces</p>"),
        ("  \n Trimmed \n  ", "Trimmed"),
        ("\u05e9\u05dc\u05d5\u05dd\u200f 12", "\u05e9\u05dc\u05d5\u05dd\u200f 12"),  # RLM kept
        (None, ""),
    ],
)
def test_clean_text_keeps_lines_and_drops_controls(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555", "'+1 555"),
        ("-2+cmd|' /C calc'!A0", "'-2+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Blue mug", "Blue mug"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_formula_safe_quotes_cells_a_spreadsheet_would_run(value, cell):
    assert formula_safe(value) == cell
