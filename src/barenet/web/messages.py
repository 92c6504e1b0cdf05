"""The JSON messages a tab sends, read without letting one tab stall the others."""

from __future__ import annotations

import json
from typing import Any

from .._text import shorten

# An honest message is one object holding at most one other, with a dozen values.
_MAX_BRACKETS, _MAX_COMMAS = 8, 100


def _refuse_constant(name: str) -> None:
    raise ValueError(name)


def _short_int(digits: str) -> int:
    if len(digits) > 30:  # int() of thousands of digits takes milliseconds
        raise ValueError("too many digits")
    return int(digits)


def read_message(text: str, max_bytes: int) -> dict[str, Any]:
    """The JSON object a tab sent.

    Raises
    ------
    ValueError
        Saying, in a few words, why ``text`` is not one.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ValueError(f"this message has {size} bytes; messages have at most {max_bytes}")
    # NOTE: the JSON is parsed on the event loop, so while it parses no other tab is
    # answered. Within the byte cap the cost grows with the number of items (about 4 ms
    # for 64 KiB of "[0,0,...]") and of digits; counting brackets and commas first, at
    # C speed, and refusing long integers keeps every parse under half a millisecond
    # (measured: 64 KiB of one float, of escapes, or of 100 strings) and bounds nesting.
    if text.count("[") + text.count("{") > _MAX_BRACKETS or text.count(",") > _MAX_COMMAS:
        raise ValueError("messages are small JSON objects; this one has too many items or "
                         "nests too deeply")
    try:
        message = json.loads(text, parse_constant=_refuse_constant, parse_int=_short_int)
    except json.JSONDecodeError as exc:
        raise ValueError(f"messages must be JSON objects ({exc.msg} at character "
                         f"{exc.pos})") from None
    except ValueError:  # NaN, Infinity, or an integer of more than 30 digits
        raise ValueError("messages must be JSON objects whose numbers are finite (no NaN "
                         "nor Infinity) and have at most 30 digits") from None
    if not isinstance(message, dict):
        raise ValueError(f"messages must be JSON objects, got {shorten(message)}")
    return message


def whole_number(value: Any) -> int | None:
    """``value`` as an int if it is a whole number (2 or 2.0, not true, "2" nor Infinity)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():  # False for inf and nan
        return int(value)
    return None
