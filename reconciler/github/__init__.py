"""GitHub: the REST API client, the Actions run context, the sticky PR comment and its body."""
