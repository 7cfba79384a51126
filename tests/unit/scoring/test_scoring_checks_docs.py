"""docs/scorecards.md: every YAML example validates, criterion examples included, and each check has a section."""
import re
from pathlib import Path

import pytest
import yaml

from scoring.checks import BUILTIN_CHECKS
from scoring.scorecard import parse_scorecard

DOC = Path(__file__).resolve().parents[3] / "docs" / "scorecards.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def as_scorecard(criterion: dict) -> dict:
    return {"name": "doc", "title": "Doc", "language": "en",
            "sections": [{"id": "s", "title": "S", "criteria": [criterion]}]}


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_a_yaml_example_in_the_docs_is_valid(block):
    data = yaml.safe_load(block)
    if "sections" in data:
        parse_scorecard(data)
    elif "id" in data:  # a whole criterion
        parse_scorecard(as_scorecard(data))
    elif data.get("type") in BUILTIN_CHECKS:
        assert BUILTIN_CHECKS[data["type"]].validate({k: v for k, v in data.items() if k != "type"}) == []
    else:  # the plugin example: a check type that is not built in
        assert data["check"]["type"] not in BUILTIN_CHECKS


@pytest.mark.parametrize("check_type", sorted(BUILTIN_CHECKS))
def test_every_built_in_check_has_a_docs_section_with_one_bare_example(check_type):
    bare = [b for b in BLOCKS if (yaml.safe_load(b) or {}).get("type") == check_type]
    assert len(bare) == 1
    assert f"### `{check_type}`" in DOC.read_text(encoding="utf-8")
