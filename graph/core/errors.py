"""The one exception hierarchy; the API and CLI map these to responses in one place each."""


class GovgraphError(Exception):
    """Base of every error the product reports to its users as a clean message."""


class StoreError(GovgraphError):
    """The store could not be opened, read or written."""


class QueryError(GovgraphError):
    """A query was malformed, refused, too large or too slow."""


class NotFound(GovgraphError):
    """A named entity does not exist in the graph."""


class SourceError(GovgraphError):
    """A source could not be loaded; the message names the file, line, column and field."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file, self.line, self.column, self.field = file, line, column, field
        self.reason = message
        """The message without its place (graphql-core would read an attribute `message`)."""
        where = ":".join(str(x) for x in (file, line, column) if x is not None)
        parts = [p for p in (where, f"field '{field}'" if field else None, message) if p]
        super().__init__(": ".join(parts))


class SourceErrors(SourceError):
    """Several problems of one source reported at once (a schema check finds them all):
    located at the first, every one on its own line of the message."""

    def __init__(self, problems: list[SourceError]) -> None:
        first = problems[0]
        self.problems = problems
        more = "".join(f"\n{p}" for p in problems[1:])
        if len(problems) > 1:
            more = f"\n({len(problems)} problems in all){more}"
        super().__init__(
            first.reason + more,
            file=first.file,
            line=first.line,
            column=first.column,
            field=first.field,
        )


class QueryTimeout(QueryError):
    """A query ran past its time limit and was stopped."""


class NotAcceptable(QueryError):
    """The client's Accept header admits none of the formats a resource is offered in."""


class UnsupportedMediaType(QueryError):
    """A request body came in a media type or charset the endpoint does not read."""
