"""The HTTP face of the graph: GraphQL, GraphiQL and (later) SPARQL and entity pages."""
