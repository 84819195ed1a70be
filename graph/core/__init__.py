"""The shared core every layer may use (names, dates, numbers, YAML reading, text checks,
CSV output), so that each job is done one way across loaders, graph code and the API."""
