"""Mon Compte Formation: the back end of the CPF holder space (see README.md)."""
