"""Agreement from counted pairs (what the database hands over) equals agreement from the listed pairs."""
from __future__ import annotations

import random
from collections import Counter

import pytest

from scoring.result import RESULTS
from scoring.trust import agreement_of_counts, criterion_agreement


@pytest.mark.parametrize("seed", range(40))
def test_counted_pairs_give_the_same_table_accuracy_and_kappa_to_the_last_bit(seed):
    rng = random.Random(seed)
    used = rng.sample(RESULTS, rng.randint(1, len(RESULTS)))  # one result only: kappa undefined
    pairs = [(rng.choice(used), rng.choice(used)) for _ in range(rng.randint(0, 400))]
    assert agreement_of_counts(Counter(pairs)) == criterion_agreement(pairs)


def test_no_pairs_and_zero_counts_are_no_reviewed_items():
    assert agreement_of_counts({}) == criterion_agreement([])
    assert agreement_of_counts({("pass", "fail"): 0}) == criterion_agreement([])


def test_a_bad_result_or_count_is_an_error_naming_it():
    with pytest.raises(ValueError, match="result must be one of"):
        agreement_of_counts({("pass", "maybe"): 3})
    with pytest.raises(ValueError, match="whole number"):
        agreement_of_counts({("pass", "fail"): -1})
