"""Benchmarks and load (`make bench*`, `make load`): timings no test may assert, crediting at scale, the journey."""
