"""Loaders: one module per data source, each turning bytes into an :class:`ImportBatch`.

A loader module exposes ``LOADER``, an object satisfying :class:`~wijkkompas.sources.base.Loader`.
The registry (:mod:`wijkkompas.sources.registry`) lists them; the CLI finds a loader by key or by
sniffing the file. Paths and URLs are thin wrappers: every loader parses from bytes.
"""
