"""The analytic store: one DuckDB file with regions, observations, geometries and provenance.

Writers never touch the live file: an import copies it, writes the copy in one transaction and
renames it into place, so readers (the web app) keep serving and a failed import leaves the
previous store exactly as it was.
"""

from wijkkompas.store.batch import ImportBatch
from wijkkompas.store.store import STORE_READ_ERRORS, AnalyticStore, ImportSummary, StoreReader

__all__ = ["STORE_READ_ERRORS", "AnalyticStore", "ImportBatch", "ImportSummary", "StoreReader"]
