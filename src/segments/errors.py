"""The one exception a user can cause: the CLI prints its message, not a traceback."""


class SegmentsError(Exception):
    """A problem the user can fix (bad file, bad argument, failed build); printed as one message."""
