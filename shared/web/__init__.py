"""The HTTP layer every process shares: problem+json errors, auth dependencies, the service
app factory and its generic routes."""
