"""Processes (the journey of one territory from choosing services to follow-up) and their workshops."""
