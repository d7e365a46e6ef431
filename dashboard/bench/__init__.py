"""Performance work: a synthetic 3W generator over the real boundaries, and the benchmark with its budgets."""
