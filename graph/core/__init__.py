"""The shared core every layer may use: names, dates, YAML reading, text checks."""
