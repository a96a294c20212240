"""The report stage's one error type: the message is the one line the CLI shows."""


class ReportError(Exception):
    """A report cannot be written (unknown audit, unreadable rules, unsafe site id)."""
