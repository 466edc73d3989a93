"""Benchmarks that measure vitrine on real collections (run as `python -m vitrine.bench.<name>`)."""
