"""Benchmarks with recorded results (docs/benchmarks.md). Run with `make bench`."""
