"""Cercle: a self-hosted, private-by-design enterprise social network."""

__version__ = "0.1.0"
