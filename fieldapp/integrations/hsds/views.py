"""The admin page that imports an HSDS 3.0 file into the directory (the same import as the CLI)."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from fieldapp.i18n.messages import N_
from fieldapp.integrations.hsds.importer import Report, import_document
from fieldapp.integrations.hsds.reader import HsdsFileError, read_upload
from fieldapp.roles import ADMIN
from fieldapp.web.access import allow

bp = Blueprint("hsds", __name__)


@bp.route("/directory/import", methods=["GET", "POST"])
@allow(ADMIN)
def import_file():
    """Upload a JSON document or a zip of the CSV package; the page shows the import's report."""
    if request.method == "GET":
        return render_template("directory/import.html", report=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        report = Report(source="(no file)", error=N_("Choose a file to import."))
    else:
        try:
            document = read_upload(upload.filename, upload.read())
        except HsdsFileError as error:
            report = Report(source=upload.filename, error=str(error))
        else:
            report = import_document(document, source=upload.filename, by=current_user)
    return render_template("directory/import.html", report=report), 422 if report.error else 200
