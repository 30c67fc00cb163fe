"""The web portal: one sign-in page for every role, then a home page for the role (server-rendered)."""
