"""What belongs to no single part of the domain: home page, health check, templates, CLI."""
