"""Baselines for the benchmark: a bare WSGI floor and the smallest app of each framework."""
