"""Helpers every layer may use (text checks, YAML reading, dates, names); no imports of other
govgraph layers, so loaders, the graph and the API can all depend on it."""
