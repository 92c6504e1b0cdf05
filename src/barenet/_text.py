"""Values quoted in messages, never at full length."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def shorten(value: Any, width: int = 40) -> str:
    """``repr(value)``, cut to at most ``width`` characters, for a message that shows it.

    An error message quotes the value it refuses so that a person sees what
    was wrong, but never all of it: a 10 MB string must not come back as a
    10 MB reply, nor a 100,000-character CSV field fill a terminal.

    Parameters
    ----------
    value : object
        What was sent; a dict or list of more than 20 values is named, not shown.
    width : int, default 40

    Returns
    -------
    str

    Examples
    --------
    >>> shorten("iris")
    "'iris'"
    >>> shorten("x" * 1000, width=10)
    "'xxxxxx..."
    >>> shorten([1, "a"])
    "[1, 'a']"
    >>> shorten({"a": 1})
    "{'a': 1}"
    >>> shorten(list(range(100)))
    'a list of 100 values'
    """
    if isinstance(value, (Mapping, list, tuple)):
        # NOTE: item by item, each cut short: repr of the whole could be huge.
        if len(value) > 20:
            kind = "an object" if isinstance(value, Mapping) else "a list"
            return f"{kind} of {len(value)} values"
        if isinstance(value, Mapping):
            items = (f"{shorten(k, width)}: {shorten(v, width)}" for k, v in value.items())
            text = "{" + ", ".join(items) + "}"
        else:
            text = "[" + ", ".join(shorten(v, width) for v in value) + "]"
        return text if len(text) <= width else text[:width - 3] + "..."
    if isinstance(value, str):
        value = value[:width]  # before repr, which would copy all of it
    try:
        text = repr(value)
    except ValueError:  # an integer of more than 4300 digits
        return "a number of thousands of digits"
    return text if len(text) <= width else text[:width - 3] + "..."
