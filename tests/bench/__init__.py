"""Benchmarks: run as modules (python -m tests.bench.NAME); not collected by pytest."""
