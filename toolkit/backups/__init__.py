"""Backups of the whole database, and restoring one: ``flask --app toolkit backup`` and ``restore``."""
