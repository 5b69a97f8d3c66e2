"""Use cases, one transaction each, over a unit of work."""
