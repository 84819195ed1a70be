// Starts GraphiQL against this server's /graphql, from vendored assets only.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + "/graphql" });
  var defaultQuery = [
    "# govgraph: the governance landscape around The Promise.",
    "# Press the play button to run this query.",
    "{",
    "  organisations(first: 5) {",
    "    totalCount",
    "    edges { node { id name type } }",
    "  }",
    "}",
    ""
  ].join("\n");
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: defaultQuery }));
})();
