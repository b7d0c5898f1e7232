"""The one error the data layer raises on purpose."""
from __future__ import annotations


class PlanFileError(Exception):
    """A file that cannot be read as a plan at all.

    ``message`` is Spanish and says what to do; nothing was written.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
