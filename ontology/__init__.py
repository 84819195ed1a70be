"""The governance ontology (OWL 2 in Turtle) and its Python view."""
