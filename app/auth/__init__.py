"""Authentication and authorization: principals, permissions, tokens, passwords, route dependencies."""
