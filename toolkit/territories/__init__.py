"""Territories (municipalities), city networks and the organisations of a territory."""
