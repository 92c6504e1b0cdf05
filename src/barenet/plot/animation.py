"""The decision boundary as training goes, from snapshots taken during the fit.

A frame is the model as it was at one step, captured by a callback while it
trained (nothing is trained twice).  :func:`write_animation` draws the frames
(boundary on the left, the loss curve so far on the right) and writes a GIF
with Pillow, or an MP4 when ffmpeg is installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .._files import atomic_write
from .boundary import _check_data, _draw_boundary, _evaluate, _grid
from .curves import draw_curve


class Frame(NamedTuple):
    """The model at one step of training.

    Attributes
    ----------
    step : int
        Epoch or iteration.
    predict : callable
        Maps points ``(n, 2)`` to scores (e.g. probability of the second class).
    loss : float
        Training loss at that step.

    Examples
    --------
    >>> from barenet.plot import Frame
    >>> frame = Frame(step=10, predict=lambda P: P[:, 0] > 0, loss=0.42)
    >>> frame.step, frame.loss
    (10, 0.42)
    """

    step: int
    predict: Callable[[np.ndarray], Any]
    loss: float


def _render(frame: Frame, frames: Sequence[Frame], X: np.ndarray, y: np.ndarray,
            grid: tuple, title: str, unit: str,
            curve: tuple[np.ndarray, np.ndarray] | None) -> np.ndarray:
    fig = Figure(figsize=(9.6, 4.2), dpi=80, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
    xx, yy, points = grid
    _draw_boundary(left, _evaluate(frame.predict, points), xx, yy, X, y,
                   f"{title} — {unit} {frame.step}")
    steps, losses = curve if curve is not None else (
        np.array([f.step for f in frames]), np.array([f.loss for f in frames]))
    # The whole curve in grey, the part up to this frame in blue: every step
    # recorded, as an envelope where it is denser than the pixels.
    draw_curve(right, steps, losses, color="#cccccc")
    upto = steps <= frame.step
    if upto.sum() > 1:
        draw_curve(right, steps[upto], losses[upto], color="#1f77b4")
    right.plot([frame.step], [frame.loss], "o", color="#d62728")
    right.set_xlabel(unit)
    right.set_ylabel("loss")
    finite = [v for v in losses if np.isfinite(v)]
    if finite:
        right.set_ylim(0, max(finite) * 1.05 + 1e-12)
    right.grid(alpha=0.3)
    right.set_title(f"loss {frame.loss:.4f}")
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def write_animation(frames: Sequence[Frame], X: Any, y: Any, path: str | os.PathLike[str], *,
                    fps: float = 8, title: str = "Decision boundary", unit: str = "epoch",
                    resolution: int = 80, margin: float = 1.0,
                    curve: tuple[Any, Any] | None = None) -> Path:
    """Draw frames and write them as an animated GIF (or MP4 with ffmpeg).

    Parameters
    ----------
    frames : sequence of Frame
        In training order; at least two.
    X : array_like of shape (n_samples, 2)
    y : array_like of shape (n_samples,)
    path : path-like
        ``.gif`` (Pillow) or ``.mp4`` (needs ffmpeg on the PATH).
    fps : float, default 8
    title, unit : str
        Boundary title and the name of a step ("epoch", "iteration").
    resolution, margin
        Of the boundary's grid.
    curve : (steps, losses), optional
        The loss at every step, to draw beside the boundary; by default the
        frames' own losses (fewer points: a curve with spikes between frames
        would look smoother than it is).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> from barenet import datasets
    >>> from barenet.plot import Frame, write_animation
    >>> X, y = datasets.xor(n_samples=40)
    >>> frames = [Frame(0, lambda P: P[:, 0] > 0, 0.69),
    ...           Frame(1, lambda P: P[:, 0] * P[:, 1] > 0, 0.2)]
    >>> path = write_animation(frames, X, y, "xor.gif", unit="iteration", resolution=20)
    >>> path.name, path.stat().st_size > 0
    ('xor.gif', True)
    """
    frames = list(frames)
    if len(frames) < 2:
        raise ValueError(f"an animation needs at least 2 frames, got {len(frames)}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise ValueError(f"cannot write {path.name}: use a .gif (or .mp4 with ffmpeg) file")
    X, y = _check_data(X, y)
    grid = _grid(X, margin, resolution)
    if curve is not None:
        curve = np.asarray(curve[0], dtype=float), np.asarray(curve[1], dtype=float)
        if curve[0].ndim != 1 or curve[0].shape != curve[1].shape:
            raise ValueError("curve must be two 1-D sequences of one length: steps, losses")
    images = [_render(f, frames, X, y, grid, title, unit, curve) for f in frames]
    if suffix == ".mp4":
        return _write_mp4(images, path, fps)
    from PIL import Image

    pictures = [Image.fromarray(im) for im in images]

    def write(fh: BinaryIO) -> None:
        pictures[0].save(fh, format="GIF", save_all=True, append_images=pictures[1:],
                         duration=int(1000 / fps), loop=0)

    return atomic_write(path, write)


def _write_mp4(images: list[np.ndarray], path: Path, fps: float) -> Path:
    from matplotlib import animation

    if not animation.writers.is_available("ffmpeg"):
        raise ValueError("writing .mp4 needs ffmpeg on the PATH; write a .gif instead")
    tmp = path.with_name(f".{path.stem}.partial{path.suffix}")
    h, w = images[0].shape[:2]
    fig = Figure(figsize=(w / 80, h / 80), dpi=80)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    shown = ax.imshow(images[0])
    # matplotlib's stubs say int, but a fractional frame rate is passed on to ffmpeg as it is.
    writer = animation.FFMpegWriter(fps=fps)  # type: ignore[arg-type]
    try:
        with writer.saving(fig, str(tmp), dpi=80):
            for image in images:
                shown.set_data(image)
                writer.grab_frame()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def animate_training(model: Any, X: Any, y: Any, path: str | os.PathLike[str] = "training.gif",
                     *, frames: int = 40, fps: float = 8, resolution: int = 80) -> Path:
    """Fit ``model`` on ``X, y`` and write the decision boundary's evolution.

    A :class:`barenet.callbacks.Snapshots` callback records the weights about
    ``frames`` times during this one fit; the model ends fitted, as after
    ``model.fit(X, y)``.

    Parameters
    ----------
    model : NeuralNetClassifier
        Unfitted or fitted (it is fitted again); 2 features.
    X : array_like of shape (n_samples, 2)
    y : array_like of shape (n_samples,)
    path : path-like, default "training.gif"
    frames : int, default 40
        About how many frames.
    fps : float, default 8
    resolution : int, default 80

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> from barenet import NeuralNetClassifier, datasets
    >>> from barenet.plot import animate_training
    >>> X, y = datasets.noisy_moons()
    >>> clf = NeuralNetClassifier((8,), learning_rate_init=0.01, max_iter=300, random_state=0)
    >>> gif = animate_training(clf, X, y, "moons.gif", frames=3, resolution=20)
    >>> gif.suffix
    '.gif'
    """
    from ..callbacks import Snapshots

    if frames < 2:
        raise ValueError(f"frames must be at least 2, got {frames}")
    every = max(1, int(model.max_iter) // frames)
    snapshots = Snapshots(every=every)
    user_callbacks = model.callbacks
    model.set_params(callbacks=[*(user_callbacks or []), snapshots])
    try:
        model.fit(X, y)
    finally:
        model.set_params(callbacks=user_callbacks)
    return write_animation([Frame(*f) for f in snapshots.frames(model)], X, y, path, fps=fps,
                           title=type(model).__name__, unit="epoch", resolution=resolution)
