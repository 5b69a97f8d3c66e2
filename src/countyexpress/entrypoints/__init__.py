"""Entrypoints: the CLI, the HTTP API and the web UI."""
