"""Which results a person changed, credited to who changed them first, with their reason."""
from __future__ import annotations

from scoring.overrides import Decided, Override, overrides

AUTO = Decided(None, {"greeting": ("fail", ""), "closing": ("pass", ""), "empathy": ("na", "")})


def test_an_automatic_evaluation_alone_has_no_overrides():
    assert overrides([AUTO]) == {}


def test_a_changed_result_is_an_override_with_the_reviewer_and_their_comment():
    review = Decided("ann", {"greeting": ("pass", "greeted in the pre-chat form"), "closing": ("pass", "fine"),
                             "empathy": ("na", "")})
    assert overrides([review, AUTO]) == {
        "greeting": Override("greeting", "fail", "ann", "greeted in the pre-chat form")}


def test_a_later_reviewer_who_keeps_the_result_leaves_the_credit_to_the_first():
    first = Decided("ann", {**AUTO.results, "greeting": ("pass", "pre-chat form")})
    second = Decided("bob", {**AUTO.results, "greeting": ("pass", "")})
    assert overrides([second, first, AUTO])["greeting"] == Override("greeting", "fail", "ann", "pre-chat form")


def test_a_result_changed_again_is_credited_to_whoever_set_it_last():
    first = Decided("ann", {**AUTO.results, "closing": ("fail", "no goodbye")})
    second = Decided("bob", {**AUTO.results, "closing": ("na", "the customer left")})
    assert overrides([second, first, AUTO])["closing"] == Override("closing", "pass", "bob", "the customer left")


def test_a_result_changed_and_changed_back_is_not_an_override():
    first = Decided("ann", {**AUTO.results, "closing": ("fail", "no goodbye")})
    second = Decided("bob", {**AUTO.results, "closing": ("pass", "there was one")})
    assert overrides([second, first, AUTO]) == {}
