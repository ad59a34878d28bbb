"""Filters for the site's log handlers (``settings.LOGGING``)."""

from __future__ import annotations

import logging

from django.core.exceptions import SuspiciousOperation


class ClientErrorsOnOneLine(logging.Filter):
    """A 4xx answer (a refusal, a bad request, a forged host) is logged as its message only.

    Django attaches the traceback of the ``PermissionDenied`` or ``SuspiciousOperation`` behind
    such an answer: dozens of lines for an ordinary event, which bury the real errors and fill
    the disk. Server errors (5xx) keep their traceback, because that is what one needs to fix
    them.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        client_error = isinstance(status, int) and 400 <= status < 500
        if record.exc_info and record.exc_info[1] is not None:
            client_error = client_error or isinstance(record.exc_info[1], SuspiciousOperation)
        if client_error:
            record.exc_info = None
            record.exc_text = None
        return True
