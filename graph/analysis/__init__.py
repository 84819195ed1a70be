"""Analyses computed from the facts: overlaps and findings, scenarios, impact, chains,
snapshots, comparison, reporting, coverage, route-map checks, the front door.
"""
