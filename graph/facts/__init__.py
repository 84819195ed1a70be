"""The read layer: entities, organisations, relationships, search and the facts the maps, plan
and route maps show, as records read through the store layer.
"""
