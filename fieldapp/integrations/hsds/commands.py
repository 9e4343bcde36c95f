"""``flask --app fieldapp directory import FILE``: load an HSDS 3.0 file into the service directory."""

import click
from flask.cli import AppGroup

from fieldapp.integrations.hsds.importer import Report, import_document
from fieldapp.integrations.hsds.reader import HsdsFileError, read_path

directory_group = AppGroup("directory", help="The service directory (Open Referral HSDS 3.0).")


@directory_group.command("import")
@click.argument("file", type=click.Path(exists=True))
def import_command(file):
    """Import FILE: an HSDS JSON document (service_full, organization_full or a paged list), or a
    folder or zip of the HSDS CSV files with datapackage.json. Runs in one transaction."""
    try:
        document = read_path(file)
    except HsdsFileError as error:
        report = Report(source=file, error=str(error))
    else:
        report = import_document(document, source=file)
    for line in report.lines():
        click.echo(line)
    if report.error:
        raise SystemExit(1)
