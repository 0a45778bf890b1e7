"""Position conversions: code points <-> UTF-16 <-> UTF-8 bytes, line splitting, offsets."""

from hypothesis import given
from hypothesis import strategies as st

from landguard.engine import positions
from landguard.engine.findings import Span


def test_utf16_columns_count_astral_characters_twice():
    line = "a🙂b"  # the emoji is one code point, two UTF-16 units, four UTF-8 bytes
    assert positions.col_to_utf16(line, 2) == 3
    assert positions.utf16_to_col(line, 3) == 2
    assert positions.col_to_byte(line, 2) == 5
    assert positions.byte_to_col(line, 5) == 2


def test_utf16_column_past_end_of_line_clamps_to_the_end():
    assert positions.utf16_to_col("abc", 99) == 3
    assert positions.utf16_to_col("é🙂", 99) == 2


def test_split_lines_handles_crlf_cr_and_trailing_newline():
    assert positions.split_lines("a\r\nb\rc\n") == ["a", "b", "c", ""]
    assert positions.split_lines("") == [""]


def test_line_index_offsets_with_crlf():
    index = positions.LineIndex("ab\r\ncd\ne")
    assert index.line_count == 3
    assert index.line_text(0) == "ab"
    assert index.offset(1, 1) == 5
    assert index.position(5) == (1, 1)
    assert index.offset(0, 99) == 2  # clamped to the end of the line's content


def test_span_to_utf16_uses_each_lines_own_text():
    lines = ["🙂x = 'secret'", "tab\tafter"]
    assert positions.span_to_utf16(Span(0, 1, 1, 4), lines) == (0, 2, 1, 4)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40), st.data())
def test_round_trips_for_any_text(line, data):
    col = data.draw(st.integers(min_value=0, max_value=len(line)))
    assert positions.utf16_to_col(line, positions.col_to_utf16(line, col)) == col
    assert positions.byte_to_col(line, positions.col_to_byte(line, col)) == col


def test_lone_surrogates_from_a_broken_client_do_not_crash():
    line = "x = '\ud800' + y"
    assert positions.col_to_byte(line, 7) == 9
    assert positions.byte_to_col(line, 9) == 7
