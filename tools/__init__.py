"""Developer tools, never shipped in the Lambda: the local stack, the bootstrap, the deploy template,
the voice maker, the benchmarks."""
