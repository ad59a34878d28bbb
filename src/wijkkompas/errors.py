"""Errors a person can act on.

Anything raised as a :class:`WijkkompasError` reaches the user as a one-paragraph message
(exit code 1 on the command line, a problem document in the API), never as a traceback.
"""


class WijkkompasError(Exception):
    """A user-facing error: the message says what went wrong and what to do about it."""


class InvalidRegionCode(WijkkompasError):
    """A region code that is not a CBS gemeente, wijk or buurt code."""


class StoreError(WijkkompasError):
    """The analytic store is missing, locked, or not a wijkkompas store."""
