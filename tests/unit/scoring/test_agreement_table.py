"""Reading a ratings table from CSV/TSV text: what is read, and the error for every kind of bad table."""
import pytest

from scoring.agreement import RatingsTableError, parse_ratings_table


def test_a_table_gives_item_ids_rater_names_and_stripped_labels_with_empty_cells_missing():
    ratings = parse_ratings_table("conversation, ann ,bob\nc1,pass, fail\n\nc2,,na\n")
    assert ratings.item_ids == ("c1", "c2")
    assert ratings.rater_ids == ("ann", "bob")
    assert ratings.values == (("pass", "fail"), (None, "na"))


@pytest.mark.parametrize("level", ["ordinal", "interval", "ratio"])
def test_numeric_levels_read_numbers(level):
    ratings = parse_ratings_table("id,a,b\n1,87.5,90\n2, 1e2 ,\n", level=level)
    assert ratings.values == ((87.5, 90.0), (100.0, None))


def test_nominal_values_stay_strings_even_when_they_look_like_numbers():
    assert parse_ratings_table("id,a,b\n1,1,1.0\n").values == (("1", "1.0"),)


def test_a_byte_order_mark_quoted_fields_and_tabs_are_handled():
    ratings = parse_ratings_table('\ufeffid\ta\tb\n"x, 1"\t"pass"\tfail\n', delimiter="\t")
    assert ratings.item_ids == ("x, 1",) and ratings.values == (("pass", "fail"),)


@pytest.mark.parametrize("text, level, message", [
    ("", "nominal", "f.csv: empty file"),
    ("\n  \n", "nominal", "f.csv: empty file"),
    ("id,ann\n1,pass\n", "nominal", "f.csv, line 1: the header names 1 rater"),
    ("id\n1\n", "nominal", "f.csv, line 1: the header names 0 rater"),
    ("id,ann,\n1,a,b\n", "nominal", "f.csv, line 1, column 3: the rater name is empty"),
    ("id,ann,ann\n1,a,b\n", "nominal", "f.csv, line 1, column 3: rater 'ann' appears twice"),
    ("id,a,b\n", "nominal", "f.csv: no items"),
    ("id,a,b\n1,x,y\n2,x\n", "nominal", r"f.csv, line 3: 2 fields, expected 3 \(the item id and 2 raters\)"),
    ("id,a,b\n1,x,y,z\n", "nominal", "f.csv, line 2: 4 fields, expected 3"),
    ("id,a,b\n,x,y\n", "nominal", "f.csv, line 2, column 1 \\('id'\\): the item id is empty"),
    ("id,a,b\n1,x,y\n1,x,x\n", "nominal", "f.csv, line 3, column 1 \\('id'\\): item '1' appears twice"),
    ("id,a,b\n1,2,3\n2,4,pass\n", "interval", "f.csv, line 3, column 3 \\('b'\\): 'pass' is not a number "
                                              "\\(the interval level needs numbers\\)"),
    ("id,a,b\n1,2,nan\n", "ratio", "f.csv, line 2, column 3 \\('b'\\): 'nan' is not a finite number"),
    ("id,a,b\n1,inf,3\n", "ordinal", "f.csv, line 2, column 2 \\('a'\\): 'inf' is not a finite number"),
    ('id,a,b\n"1\nsplit",2,3\n4,5,x\n', "interval", "f.csv, line 4, column 3"),  # quoted newline counts
])
def test_bad_tables_are_refused_naming_the_file_line_and_column(text, level, message):
    with pytest.raises(RatingsTableError, match=message):
        parse_ratings_table(text, "f.csv", level)


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="level must be one of"):
        parse_ratings_table("id,a,b\n1,2,3\n", level="binary")
