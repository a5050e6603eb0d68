"""Fictional demo data: a territory, its organisations and people, and workshop input."""
