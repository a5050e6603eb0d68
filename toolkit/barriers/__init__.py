"""Barriers to services and the testimonies that give them evidence."""
