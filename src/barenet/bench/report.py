"""What a benchmark run reports beside its times: the machine, and the table.

:func:`environment` records the versions and thread settings of everything
measured; :func:`format_table` turns the result of
:func:`barenet.bench.run_bench` into aligned text, one block per workload.
"""

from __future__ import annotations

import os
import platform

import numpy as np

from .._version import __version__
from .article import TORCH_THREADS
from .runner import NOT_INSTALLED


def environment() -> dict:
    """Versions and thread settings of everything the benchmark measures.

    Returns
    -------
    dict
        ``barenet``, ``numpy``, ``scikit-learn``, ``python`` (versions),
        ``machine``, ``cpus``, ``blas`` (per BLAS pool its ``internal_api``,
        ``version`` and ``num_threads``) and ``torch`` (its version, or
        ``"not installed"``); with PyTorch also ``torch_threads`` (the
        threads W1 and W2 run it on) and ``torch_default_threads``.

    Examples
    --------
    >>> import numpy as np
    >>> env = environment()
    >>> {"barenet", "numpy", "scikit-learn", "python", "machine", "cpus", "blas"} <= set(env)
    True
    >>> env["numpy"] == np.__version__, type(env["blas"]).__name__
    (True, 'list')
    """
    import sklearn
    from threadpoolctl import threadpool_info

    env = {"barenet": __version__, "numpy": np.__version__, "scikit-learn": sklearn.__version__,
           "python": platform.python_version(), "machine": platform.machine(),
           "cpus": os.cpu_count(),
           "blas": [{k: pool.get(k) for k in ("internal_api", "version", "num_threads")}
                    for pool in threadpool_info() if pool.get("user_api") == "blas"]}
    try:
        import torch
    except ImportError:
        env["torch"] = NOT_INSTALLED
    else:
        env["torch"] = torch.__version__
        env["torch_threads"] = TORCH_THREADS
        env["torch_default_threads"] = torch.get_num_threads()
    return env


def format_table(result: dict) -> str:
    """The result of :func:`barenet.bench.run_bench` as aligned text, one block per workload.

    The ``ratio`` column is each system's median time over barenet's
    reference system's: 3.0 means barenet is 3 times faster.

    Parameters
    ----------
    result : dict
        As :func:`barenet.bench.run_bench` returns it.

    Returns
    -------
    str
        Per workload a title line, a header, one row per system (median
        seconds, microseconds per iteration where the workload reports them,
        ratio; the status instead when the system did not run) and the
        check's message; then one line on how to read the ratios.

    Examples
    --------
    A result written out by hand (:func:`~barenet.bench.run_bench` makes
    them), with one system that did not run:

    >>> result = {"quick": True, "workloads": {"W0": {
    ...     "title": "a toy workload", "repeats": 3, "reference": "barenet",
    ...     "systems": {"barenet": {"status": "ok", "median_s": 0.5},
    ...                 "peer": {"status": "ok", "median_s": 1.5},
    ...                 "missing peer": {"status": "not installed"}},
    ...     "ratios": {"peer": 3.0}, "check": None}}}
    >>> print(format_table(result))
    W0: a toy workload (median of 3 rounds, quick)
      system        median s   ratio
      barenet          0.500    1.00
      peer             1.500    3.00
      missing peer not installed
    <BLANKLINE>
    ratio = the system's median time / barenet's (above 1: barenet is faster);
    compare ratios, not times across runs.
    """
    lines: list[str] = []
    for wid, w in result["workloads"].items():
        lines.append(f"{wid}: {w['title']} (median of {w['repeats']} rounds"
                     f"{', quick' if result.get('quick') else ''})")
        width = max(len("system"), *(len(name) for name in w["systems"]))
        per_it = any("us_per_iteration" in s for s in w["systems"].values())
        header = f"  {'system':<{width}} {'median s':>9}"
        header += f" {'µs/iter':>8}" if per_it else ""
        lines.append(header + f" {'ratio':>7}")
        for name, s in w["systems"].items():
            if s["status"] != "ok":
                lines.append(f"  {name:<{width}} {s['status']:>9}")
                continue
            row = f"  {name:<{width}} {s['median_s']:>9.3f}"
            if per_it:
                row += f" {s['us_per_iteration']:>8.1f}"
            ratio = "1.00" if name == w["reference"] else f"{w['ratios'][name]:.2f}"
            lines.append(row + f" {ratio:>7}")
        if w.get("check"):
            lines.append(f"  check: {w['check']['message']}")
        lines.append("")
    lines.append("ratio = the system's median time / barenet's (above 1: barenet is faster); "
                 "compare ratios, not times across runs.")
    return "\n".join(lines)
