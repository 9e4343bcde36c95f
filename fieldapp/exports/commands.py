import click


@click.group("export")
def export_command():
    """Export outcome logs for scheduled reporting."""
