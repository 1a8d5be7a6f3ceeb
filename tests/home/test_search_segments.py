from home.search import MAX_QUERY_TERMS, build_query, segment_for_index, segment_query


def test_index_holds_characters_and_overlapping_pairs():
    assert segment_for_index("检查灭火器").split() == [
        "检", "查", "灭", "火", "器", "检查", "查灭", "灭火", "火器",
    ]


def test_query_uses_the_pairs_so_a_word_matches_inside_longer_text():
    indexed = set(segment_for_index("请检查灭火器是否有效").split())
    assert segment_query("灭火器") == ["灭火", "火器"]
    assert set(segment_query("灭火器")) <= indexed


def test_single_character_query_uses_the_character():
    assert segment_query("火") == ["火"]


def test_latin_words_and_numbers_are_kept_whole_and_lowercased():
    assert segment_for_index("ICP备案 2024年") == "icp 备 案 备案 2024 年"
    assert segment_query("ICP") == ["icp"]


def test_punctuation_quotes_and_operators_are_dropped():
    assert segment_query('"灭火器" OR (燃气) AND -报警*') == [
        "灭火", "火器", "or", "燃气", "and", "报警",
    ]
    assert build_query('""()*:^~') is None
    assert build_query("   ") is None


def test_long_queries_are_cut():
    long_text = "".join(chr(0x4E00 + i) for i in range(100))
    assert len(segment_query(long_text)) == MAX_QUERY_TERMS
