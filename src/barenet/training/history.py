"""What a fit records epoch by epoch, and what callbacks are told."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class EpochInfo:
    """The figures of one epoch (one iteration of L-BFGS).

    Attributes
    ----------
    epoch : int
        Counted from 0.
    loss : float
        Mean training loss over the epoch, penalty included.
    learning_rate : float or None
        None for L-BFGS.
    val_loss, val_score : float or None
        On the held-out data, when there is some.

    Examples
    --------
    >>> EpochInfo(0, 0.69, learning_rate=0.1).as_dict()
    {'epoch': 0, 'loss': 0.69, 'learning_rate': 0.1, 'val_loss': None, 'val_score': None}
    """

    epoch: int
    loss: float
    learning_rate: float | None = None
    val_loss: float | None = None
    val_score: float | None = None

    def as_dict(self) -> dict[str, float | int | None]:
        """The figures as a dict (what estimator callbacks receive)."""
        return asdict(self)


@dataclass
class History:
    """Per-epoch figures of a fit.

    Examples
    --------
    >>> history = History()
    >>> history.record(EpochInfo(0, 0.69, learning_rate=0.1))
    >>> history.record(EpochInfo(1, 0.52, learning_rate=0.1, val_score=0.75))
    >>> history.as_dict()       # each series holds the epochs that have the figure
    {'loss': [0.69, 0.52], 'val_loss': [], 'val_score': [0.75], 'learning_rate': [0.1, 0.1]}
    """

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_score: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)

    def record(self, info: EpochInfo) -> None:
        """Append one epoch's figures (those it has)."""
        self.loss.append(info.loss)
        if info.learning_rate is not None:
            self.learning_rate.append(info.learning_rate)
        if info.val_score is not None:
            self.val_score.append(info.val_score)
        if info.val_loss is not None:
            self.val_loss.append(info.val_loss)

    def as_dict(self) -> dict[str, list[float]]:
        """Every series as a new list, by name."""
        return {k: list(v) for k, v in vars(self).items()}
