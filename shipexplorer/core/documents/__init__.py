"""Request bodies, answers and the JSON and text documents the response views browse (no Qt)."""
