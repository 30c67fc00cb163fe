"""The inspectors' field app, an offline-first web app (PWA) served at ``/app/``.

Its pages, scripts, service worker and vendored ES modules live in ``app/``; the GraphQL documents it sends
are the contract's, in ``graphql/field-app/`` (validated against the schema by the tests). The server only
serves these files: everything else goes through ``/graphql/`` and ``/api/evidence`` with a bearer token."""
