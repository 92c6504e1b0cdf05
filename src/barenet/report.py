"""The demo's report, as Markdown beside its figures and as one self-contained HTML page.

A report is a list of sections, each a heading and blocks; the same list is
rendered twice, so the two files always say the same thing.  The HTML page
embeds every figure (base64), so a teacher can hand out that one file.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from ._files import atomic_write

# A block is one of:
#   ("p", text)             a paragraph; **bold** and `code` are understood
#   ("list", [text, ...])
#   ("code", text)          preformatted
#   ("table", header, rows) header: list of str, rows: list of lists of str
#   ("figure", path, alt)   an image file next to the report


@dataclass
class Section:
    """A heading and its blocks.

    Each block is a tuple: ``("p", text)``, ``("list", items)``,
    ``("code", text)``, ``("table", header, rows)`` or
    ``("figure", path, alt)``.

    Examples
    --------
    >>> section = Section("Data", [("p", "Two moons, **200** points.")])
    >>> section.blocks.append(("list", ["noise 0.2", "seed 0"]))
    >>> [kind for kind, *args in section.blocks]
    ['p', 'list']
    """

    title: str
    blocks: list[tuple] = field(default_factory=list)


def to_markdown(title: str, sections: list[Section]) -> str:
    """The report as Markdown, figures referenced by file name.

    Examples
    --------
    >>> sections = [Section("Results", [("p", "The network wins."),
    ...                                 ("table", ["model", "accuracy"], [["network", "97.5"]])])]
    >>> print(to_markdown("Demo", sections))
    # Demo
    <BLANKLINE>
    ## Results
    <BLANKLINE>
    The network wins.
    <BLANKLINE>
    | model | accuracy |
    | ---: | ---: |
    | network | 97.5 |
    <BLANKLINE>
    """
    out = [f"# {title}", ""]
    for section in sections:
        out += [f"## {section.title}", ""]
        for kind, *args in section.blocks:
            if kind == "p":
                out += [args[0], ""]
            elif kind == "list":
                out += [f"- {item}" for item in args[0]] + [""]
            elif kind == "code":
                out += ["```", args[0], "```", ""]
            elif kind == "table":
                header, rows = args
                out.append("| " + " | ".join(header) + " |")
                out.append("|" + " ---: |" * len(header))
                out += ["| " + " | ".join(row) + " |" for row in rows] + [""]
            elif kind == "figure":
                out += [f"![{args[1]}]({Path(args[0]).name})", ""]
    return "\n".join(out)


def _inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


_MIME = {".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml"}

_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#222}h1,h2{line-height:1.2}img{max-width:100%;height:auto}
pre{background:#f4f4f4;padding:.8rem;overflow-x:auto}code{background:#f4f4f4;padding:0 .2rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .6rem;
text-align:right}figure{margin:1rem 0}"""


def to_html(title: str, sections: list[Section]) -> str:
    """The report as one HTML page with every figure embedded.

    Examples
    --------
    >>> page = to_html("Demo", [Section("Results", [("p", "**97.5%** for `hidden=4`")])])
    >>> page.splitlines()[-3:]
    ['<h2>Results</h2>', '<p><strong>97.5%</strong> for <code>hidden=4</code></p>',
     '</body></html>']
    """
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
           f"<h1>{html.escape(title)}</h1>"]
    for section in sections:
        out.append(f"<h2>{html.escape(section.title)}</h2>")
        for kind, *args in section.blocks:
            if kind == "p":
                out.append(f"<p>{_inline(args[0])}</p>")
            elif kind == "list":
                out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in args[0]) + "</ul>")
            elif kind == "code":
                out.append(f"<pre>{html.escape(args[0])}</pre>")
            elif kind == "table":
                header, rows = args
                out.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header)
                           + "</tr>" + "".join(
                               "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row)
                               + "</tr>" for row in rows) + "</table>")
            elif kind == "figure":
                path = Path(args[0])
                data = base64.b64encode(path.read_bytes()).decode("ascii")
                mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
                out.append(f'<figure><img alt="{html.escape(args[1])}" '
                           f'src="data:{mime};base64,{data}"></figure>')
    out.append("</body></html>")
    return "\n".join(out)


def write_reports(title: str, sections: list[Section], folder: Path) -> dict[str, Path]:
    """Write ``report.md`` and ``report.html`` into ``folder`` (atomically).

    Returns the paths written, by name: ``report`` and ``report_html``.

    Examples
    --------
    >>> from pathlib import Path
    >>> paths = write_reports("Demo", [Section("Results", [("p", "Done.")])], Path("."))
    >>> {name: path.name for name, path in paths.items()}
    {'report': 'report.md', 'report_html': 'report.html'}
    >>> Path("report.md").read_text().splitlines()[0]
    '# Demo'
    """
    md, page = to_markdown(title, sections), to_html(title, sections)
    return {
        "report": atomic_write(folder / "report.md", lambda fh: fh.write(md.encode("utf-8"))),
        "report_html": atomic_write(folder / "report.html",
                                    lambda fh: fh.write(page.encode("utf-8"))),
    }
