"""Adapters at the edge: database, files, notifiers."""
