"""The Django web app: server-rendered pages (NL Design System, Leaflet, htmx) over the store.

The analytic store is only read here, one read-only connection per request, so an import that
swaps the store file in is picked up by the next request without a restart.
"""
