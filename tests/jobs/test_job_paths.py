"""Every job path the queue is given by name resolves to a function (a typo would fail only in the worker)."""

import importlib
import pkgutil

import fieldapp
from fieldapp.jobs.runner import resolve
from fieldapp.jobs.sweeps import SWEEPS


def _job_constants():
    paths = {}
    for info in pkgutil.walk_packages(fieldapp.__path__, "fieldapp."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        value = getattr(module, "JOB", None)
        if isinstance(value, str):
            paths[info.name] = value
    return paths


def test_every_job_constant_and_sweep_resolves_to_a_function():
    paths = [*_job_constants().values(), *SWEEPS]
    assert len(paths) >= 6  # three JOB constants, three sweeps
    for path in paths:
        assert callable(resolve(path)), path


def test_the_job_constants_found_are_the_ones_the_queue_uses():
    assert set(_job_constants()) == {"fieldapp.metrics.jobs", "fieldapp.integrations.webhooks.services",
                                     "fieldapp.push.services"}
