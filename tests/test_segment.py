"""segment: the closing-line prefilter of split_documents."""



def test_every_closing_line_starts_with_a_letter_split_documents_asks_about():
    # split_documents asks is_closing_line only of lines whose first letter is in _CLOSING_FIRST
    from pipeline.segment import _AUTHORITY_WORDS, _CLOSING_FIRST, _RECIPIENTS, is_closing_line

    lines = [f"{w}. CHỦ TỊCH" for w in _AUTHORITY_WORDS] + [f"{w}:" for w in _RECIPIENTS]
    for line in lines:
        assert is_closing_line(line), line
        assert line[0] in _CLOSING_FIRST, line
