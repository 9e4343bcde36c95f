"""The app starts without its heavy optional libraries: openpyxl (XLSX), shapely (zones), webauthn
(passkeys), pywebpush (push) and fhir.resources (988 hand-offs) are imported where they are used, so an
export process stays under its 150 MB (make bench) and every worker and CLI command starts lighter."""

import subprocess
import sys

HEAVY = ("openpyxl", "shapely", "webauthn", "pywebpush", "fhir", "weasyprint")
PROBE = """
import sys
from fieldapp import create_app
app = create_app({"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": None,
                  "SESSION_COOKIE_SECURE": False})
import fieldapp.exports.services  # the export's own path
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_create_app_and_the_export_leave_the_heavy_libraries_unloaded():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    loaded = set(done.stdout.split())
    assert "fieldapp" in loaded and "flask" in loaded  # the probe did start the app
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
