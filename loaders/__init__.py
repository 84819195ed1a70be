"""Loaders: each turns one kind of source into triples in its own named graph."""
