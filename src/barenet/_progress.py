"""A progress bar that suits where it is shown: a terminal or a notebook.

``tqdm.auto`` picks the notebook bar inside Jupyter even when ipywidgets, which
that bar draws with, is not installed; it then prints "IProgress not found"
instead of a bar.  :func:`progress_bar` picks it only when ipywidgets imports.
"""

from __future__ import annotations

import sys
from typing import Any


def _in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (IPython imported and serving a kernel)."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def bar_class() -> type:
    """tqdm's notebook bar in a notebook with ipywidgets, else its text bar."""
    if _in_notebook():
        try:
            import ipywidgets  # noqa: F401
        except ImportError:
            pass
        else:
            from tqdm.notebook import tqdm as notebook_bar

            return notebook_bar
    from tqdm.std import tqdm as text_bar

    return text_bar


def progress_bar(**options: Any) -> Any:
    """A tqdm progress bar, of the class :func:`bar_class` picks.

    Parameters
    ----------
    **options
        tqdm's arguments, passed on as they are: ``disable=None`` still shows
        the text bar only on a terminal.

    Returns
    -------
    tqdm.std.tqdm
        The bar, also a context manager.

    Examples
    --------
    >>> with progress_bar(total=3, disable=True) as bar:
    ...     bar.update(3)
    """
    return bar_class()(**options)
