"""Sphinx configuration of barenet's documentation.

Build with ``make docs`` (HTML in ``docs/_build/html``). Nothing is fetched
from the network: no intersphinx inventories, every page self-contained.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from pathlib import Path

import barenet

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # _gallery_order, imported by sphinx-gallery

project = "barenet"
author = "barenet's authors"
copyright = "barenet's authors"
version = release = barenet.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "_generated"]
templates_path: list[str] = []
default_role = "literal"  # `x` in a docstring is code, never a failed reference

# -- API reference: autodoc with numpydoc -------------------------------------------------
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # the numpydoc sections say the types
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- Gallery: examples/plot_*.py, run at build time --------------------------------------
os.environ.setdefault("MPLBACKEND", "Agg")
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "image_scrapers": ("matplotlib",),
    "capture_repr": (),
    "download_all_examples": False,
    "backreferences_dir": None,
    "reference_url": {},
    "show_memory": False,
    "min_reported_time": 1,
    "within_subsection_order": "_gallery_order.GalleryOrder",
}

# -- HTML ----------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"barenet {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_show_sourcelink = False
html_static_path: list[str] = []


# -- The command line's usage, generated from its parser -----------------------------------
def _write_cli_usage() -> None:
    """Write ``_generated/cli_usage.rst``: ``barenet --help`` and every command's ``--help``."""
    from barenet.cli import COMMANDS, build_parser

    os.environ["COLUMNS"] = "88"  # argparse wraps to the terminal; fix the width
    parts = []
    for argv, title in [(["--help"], "``barenet``"),
                        *(([c.name, "--help"], f"``barenet {c.name}``") for c in COMMANDS)]:
        text = io.StringIO()
        with contextlib.redirect_stdout(text), contextlib.suppress(SystemExit):
            build_parser().parse_args(argv)
        body = "\n".join(f"   {line}".rstrip() for line in text.getvalue().splitlines())
        parts.append(f"{title}\n{'~' * len(title)}\n\n.. code-block:: text\n\n{body}\n")
    out = HERE / "_generated"
    out.mkdir(exist_ok=True)
    target, rst = out / "cli_usage.rst", "\n".join(parts)
    if not target.exists() or target.read_text() != rst:  # unchanged: no rebuild
        target.write_text(rst)


_write_cli_usage()


# -- Module docstrings: plain-text layouts rendered as such --------------------------------
# barenet's module docstrings are written to be read as plain text: tables of
# contents as ``name``  description lines (continued by indentation), and
# formulas set off by indentation.  Here the first become definition lists and
# the second literal blocks, so that both render as they read.
_ENTRY = re.compile(r"^(``[^`]+``)\s{2,}(\S.*)$")
_ENTRY_MORE = re.compile(r"^(``[^`]+``)\s+(\S.*)$")  # the next, one space may do
_TABLE_RULE = re.compile(r"^=+( +=+)+\s*$")


def _plain_text_docstring(app, what, name, obj, options, lines) -> None:  # noqa: ARG001
    if what != "module":
        return
    out: list[str] = []
    in_entries = in_table = False
    for line in lines:
        in_table = (in_table or bool(_TABLE_RULE.match(line))) and bool(line.strip())
        match = None if in_table else (_ENTRY_MORE if in_entries else _ENTRY).match(line)
        if match:
            if out and out[-1].strip() and not in_entries:
                out.append("")
            out += [match.group(1), f"    {match.group(2)}"]
            in_entries = True
        elif in_entries and line.strip() and line[0].isspace():
            out.append(f"    {line.strip()}")
        else:
            if in_entries and line.strip():
                out.append("")
            in_entries = False
            indented = line.strip() and line[0].isspace()
            opens_block = len(out) >= 2 and not out[-1].strip() and out[-2].strip()
            if indented and opens_block and not out[-2].rstrip().endswith("::") \
                    and not out[-2].lstrip().startswith(("..", ":")):
                out += ["::", ""]
            out.append(line)
    lines[:] = out


def _skip_field_aliases(app, what, name, obj, skip, options):  # noqa: ARG001
    """Skip a named tuple's field properties: its Attributes section documents them."""
    if (getattr(obj, "__doc__", None) or "").startswith("Alias for field number"):
        return True
    return None


def setup(app) -> None:
    """Register the docstring adapter (after numpydoc's) and the member filter."""
    app.connect("autodoc-process-docstring", _plain_text_docstring, priority=600)
    app.connect("autodoc-skip-member", _skip_field_aliases)
