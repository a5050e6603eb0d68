"""`make bench`: the toolkit under load on SQLite, against a minimal Flask app served the same way.

Nothing here is a test: pytest collects no file of this folder (none is named ``test_*.py``).
"""
