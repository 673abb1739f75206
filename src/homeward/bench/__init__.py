"""The benchmark behind `make bench`: generated databases, gunicorn, latency and load runs (dev only)."""
