"""Every job a queue can be handed names a function that exists: the sweeps, each part's ``JOB``
constant, and any path written out where a job is enqueued. Jobs are queued by dotted path (RQ stores
the string), so a module moved or a function renamed breaks no import: only this test sees it."""

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "fieldapp"
ENQUEUERS = {"enqueue", "enqueue_after_commit"}


def _job_paths():
    """(where, path) for each job path in the app's source: strings assigned to JOB, *_JOB or SWEEPS,
    and string literals handed to enqueue()/enqueue_after_commit()."""
    found = []
    for file in sorted(PACKAGE.rglob("*.py")):
        where = file.relative_to(PACKAGE.parent)
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            if isinstance(node, ast.Assign):
                names = [target.id for target in node.targets if isinstance(target, ast.Name)]
                if any(name == "JOB" or name.endswith("_JOB") or name == "SWEEPS" for name in names):
                    values = node.value.elts if isinstance(node.value, ast.Tuple | ast.List) else [node.value]
                    found += [(f"{where}:{node.lineno}", value.value) for value in values
                              if isinstance(value, ast.Constant) and isinstance(value.value, str)]
            elif isinstance(node, ast.Call) and node.args:
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                first = node.args[0]
                if called in ENQUEUERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((f"{where}:{node.lineno}", first.value))
    return found


JOB_PATHS = _job_paths()


def test_the_scan_finds_the_sweeps_and_the_jobs():
    paths = {path for _, path in JOB_PATHS}
    assert sum(path.endswith(".sweep") for path in paths) >= 3 and len(paths) >= 6, JOB_PATHS


@pytest.mark.parametrize(("where", "path"), JOB_PATHS, ids=[path for _, path in JOB_PATHS])
def test_each_job_path_names_a_function(where, path):
    module, _, name = path.rpartition(".")
    assert module.startswith("fieldapp."), (where, path)
    function = getattr(importlib.import_module(module), name, None)
    assert callable(function), f"{where}: {path} names nothing callable"
