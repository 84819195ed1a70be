"""Checks and inferences over what is stored: the ontology graph, SHACL validation, the OWL
consistency check and materialised reasoning.
"""
