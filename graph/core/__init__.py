"""Small helpers every layer may use (YAML reading, text checks, dates), so that each job
is done one way across loaders, graph code and the API."""
