"""The store layer: the Store interface and its backends, the SPARQL files and their binding,
the ad-hoc query sandbox and guard. Imports only the core and the ontology's terms.
"""
