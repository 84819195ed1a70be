"""Storage, queries, reasoning and analyses over the governance graph."""
