"""Cercle's scaled mode on one machine: run it (run.py), break it (chaos.py), load it (load.py)."""
