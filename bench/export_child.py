"""The export measured in a process of its own, so its peak memory is the export's alone.

    python -m bench.export_child URL FROM TO

Runs the outcome-log CSV export through the app's own code path (the one the API and the CLI
use: fieldapp.exports.services.log_export), discards the bytes, and prints one JSON line:
rows, seconds, bytes, peak resident memory and the resident memory before it began.

The peak is this process's own high-water mark (Linux's VmHWM): ``ru_maxrss`` would carry the
parent's peak over (Linux keeps it across fork and exec), so a bench that has just generated a
million rows would report its own size as the export's.
"""

import json
import os
import resource
import sys
import time
from datetime import date


def _peak_kb() -> int:
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):  # not Linux
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    url, start, end = sys.argv[1:4]
    from fieldapp import create_app
    from fieldapp.exports import services
    from fieldapp.metrics.filters import Filters

    app = create_app({"SECRET_KEY": "bench-" + os.urandom(8).hex(), "SQLALCHEMY_DATABASE_URI": url,
                      "FIELDAPP_TIMEZONE": "America/New_York", "REDIS_URL": None, "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        filters = Filters(date.fromisoformat(start), date.fromisoformat(end), "America/New_York")
        baseline = _peak_kb()
        started = time.perf_counter()
        export = services.log_export("outcomes", "csv", filters, deidentified=False, via="bench")
        size = 0
        for chunk in export.chunks:
            size += len(chunk)
        seconds = time.perf_counter() - started
    peak = _peak_kb()
    print(json.dumps({"rows": export.rows, "seconds": seconds, "bytes": size, "maxrss_kb": peak,
                      "baseline_kb": baseline}))


if __name__ == "__main__":
    main()
