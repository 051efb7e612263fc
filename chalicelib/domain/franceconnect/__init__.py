"""FranceConnect (contract §14): the pivot identity's rule, the `state`, the three paths."""
