"""The HTTP layer: parse and validate requests, call the domain, shape answers and problem documents."""
