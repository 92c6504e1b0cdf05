"""The order of the gallery: the article first, then from the course outwards.

Named by its full name in ``sphinx_gallery_conf["within_subsection_order"]``
(a class from conf.py itself could not be cached with the configuration).
"""

from __future__ import annotations

from pathlib import Path

ORDER = [
    "plot_article.py",
    "plot_flower.py",
    "plot_activations.py",
    "plot_digits_history.py",
    "plot_early_stopping_callbacks.py",
    "plot_out_of_core.py",
    "plot_dask_sweep.py",
    "plot_onnx_export.py",
]


class GalleryOrder:
    """Sort key: an example's place in :data:`ORDER`; examples not listed come after."""

    def __init__(self, src_dir: str | Path) -> None:
        self.src_dir = src_dir

    def __repr__(self) -> str:
        return "<GalleryOrder>"

    def __call__(self, filename: str | Path) -> tuple[int, str]:
        name = Path(filename).name
        return (ORDER.index(name) if name in ORDER else len(ORDER), name)
