"""The shared core every layer may use and which uses no other layer (errors, names, dates,
ids, numbers, YAML reading, text checks, CSV output, XSD), so that each job is done one way
across loaders, graph code and the API."""
