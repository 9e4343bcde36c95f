"""``make bench`` prints every figure it is judged by: export speed against COPY, export memory, both
dashboard targets and the roll-ups' equality with the records (PostgreSQL only, a tiny data set)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_bench_prints_both_dashboard_targets_the_equality_check_and_the_export_figures():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("the benchmark is PostgreSQL's")
    server, name = url.rsplit("/", 1)
    done = subprocess.run([sys.executable, "-m", "bench.run", "--encounters", "400", "--server", server + "/",  # noqa: S603
                           "--database", f"{name}_bench"], cwd=ROOT, capture_output=True, text=True, timeout=900,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "export speed / COPY speed:" in out and "(target >= 0.8:" in out
    assert "export process peak memory (VmHWM):" in out and "(target < 150 MB:" in out
    assert "with the period before:" in out
    assert "(target < 1.0 s, first and best:" in out and "(target < 0.3 s, first and best:" in out
    assert "dashboard page (HTML) for the default 90 days:" in out
    assert "a commit's roll-up refresh of one day" in out and "(2 spans, a month and a week)" in out
    # this data set is far smaller than the targets' own: the verdict says so instead of "met"
    assert out.count("this data set is smaller than the target's") == 3
    equal = [line for line in out.splitlines() if "every figure from the roll-ups" in line]
    assert len(equal) == 4 and all("identical to the records'" in line and "x)" in line for line in equal), out
