"""A pytest plugin that removes the `db.session.commit()` calls of one service function.

Enabled by `-p tests.mutation` with QADESK_MUTATE="package.module:function". Used by
tests/functional/test_commits_are_tested.py to prove that the functional tests notice a service
that forgets to commit: the named function is recompiled from its source with every
`db.session.commit()` statement replaced by `pass`, and rebound in its module (views call services
through their module, so they get the mutant).
"""
from __future__ import annotations

import ast
import importlib
import inspect
import os
import textwrap


class _DropCommits(ast.NodeTransformer):
    removed = 0

    def visit_Expr(self, node: ast.Expr):
        text = ast.unparse(node.value)
        if text == "db.session.commit()":
            self.removed += 1
            return ast.copy_location(ast.Pass(), node)
        return node


def mutate(target: str) -> int:
    """Replace `module:function` by a copy without its commits; returns how many were removed."""
    module_name, func_name = target.split(":")
    module = importlib.import_module(module_name)
    func = getattr(module, func_name)
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    dropper = _DropCommits()
    tree = ast.fix_missing_locations(dropper.visit(tree))
    if not dropper.removed:
        raise RuntimeError(f"{target} has no db.session.commit() to remove")
    namespace: dict = {}
    exec(compile(tree, inspect.getsourcefile(func), "exec"), module.__dict__, namespace)
    setattr(module, func_name, namespace[func_name])
    return dropper.removed


def pytest_configure(config):
    target = os.environ.get("QADESK_MUTATE")
    if target:
        removed = mutate(target)
        print(f"mutation: removed {removed} commit(s) from {target}")
