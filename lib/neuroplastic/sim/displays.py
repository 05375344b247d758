"""Rendering of display contents to uint8 images: images, figures, and the fast scope.

* :func:`to_uint8` maps an image content to ``uint8[H, W]`` or ``uint8[H, W, 3]``: uint8 as is,
  float linearly from the declared range [lo, hi] to 0..255 (clipped; default [0, 1]), bool to
  0/255,
  a Matplotlib Figure through Agg.
* :class:`ScopeBuffer` is an analogue-style oscilloscope on an ``H x W x 3`` uint8 array.
* :func:`pixel_to_data` inverts the last rendered axes transform (or the image scale).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

    from .specs import Scope

__all__ = ["to_uint8", "figure_to_array", "ScopeBuffer", "pixel_to_data", "PointerMap"]


def figure_to_array(fig: Figure) -> np.ndarray:
    """Render a Matplotlib Figure with Agg.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.

    Returns
    -------
    numpy.ndarray
        ``uint8[H, W, 3]`` with H, W = figsize (inches) * dpi (pixels).

    Raises
    ------
    TypeError
        If ``fig`` is not a Figure.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def to_uint8(value: Any, range: Sequence[float] | None = None) -> np.ndarray:
    """Content -> uint8 image (see module doc).

    Float images map linearly: u = clip(rint(255 (a - lo)/(hi - lo)), 0, 255), NaN -> 0;
    integers default to [0, 255], others to [0, 1]; bool -> 0/255; uint8 is copied.

    Parameters
    ----------
    value : array-like or matplotlib.figure.Figure
        Gray [H, W], RGB [H, W, 3], RGBA [H, W, 4] (alpha dropped) or a Figure.
    range : (lo, hi) or None
        Value range of a float or integer image.

    Returns
    -------
    numpy.ndarray
        ``uint8[H, W]`` or ``uint8[H, W, 3]``.

    Raises
    ------
    ValueError
        If the array shape is not an image.
    """
    from matplotlib.figure import Figure

    if isinstance(value, Figure):
        return figure_to_array(value)
    a = np.asarray(value)
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)):
        raise ValueError(f"image must be [H, W] or [H, W, 3|4], got shape {a.shape}")
    if a.ndim == 3 and a.shape[2] == 4:
        a = a[..., :3]
    if a.dtype == np.uint8:
        return a.copy()
    if a.dtype == np.bool_:
        return a.astype(np.uint8) * 255
    lo, hi = (0.0, 1.0) if range is None else (float(range[0]), float(range[1]))
    if np.issubdtype(a.dtype, np.integer) and range is None:
        lo, hi = 0.0, 255.0
    b = (a.astype(np.float64) - lo) * (255.0 / (hi - lo))
    b = np.nan_to_num(b, nan=0.0)
    return np.clip(np.rint(b), 0, 255).astype(np.uint8)


class ScopeBuffer:
    """An oscilloscope image: columns are time modulo ``t_window``, rows the y-range (top = hi).

    ``add(t, y, y_to=None, color=None)``: column c = floor((t mod t_win)/t_win * W); clears every
    column after the previous one up to c (sweep with wrap-around, no stale pixels), redraws the
    zero line there, then draws a vertical segment from y to y_to for each trace (one pixel when
    y_to is None). Values outside the y-range are drawn at the border and counted in ``n_clipped``.
    ``y`` may be a scalar or one value per trace; ``color`` an index into the colours or RGB.
    """

    def __init__(
        self,
        width: int = 400,
        height: int = 150,
        t_window: float = 100.0,
        y_range: Sequence[float] = (-80.0, 0.0),
        colors: Sequence[Sequence[int]] | None = None,
        background: Sequence[int] = (0, 0, 0),
        zero_color: Sequence[int] = (90, 90, 90),
    ) -> None:
        """An empty scope image.

        Parameters
        ----------
        width, height : int
            Image size in pixels.
        t_window : float
            Time window shown across the columns (simulation time units).
        y_range : (lo, hi)
            Value range mapped to the rows (top = hi).
        colors : sequence of RGB or None
            One colour per trace (default one red).
        background, zero_color : RGB
            Background and zero-line colours.
        """
        self.width, self.height = int(width), int(height)
        self.t_window = float(t_window)
        self.y_range = (float(y_range[0]), float(y_range[1]))
        self.colors = np.array(
            colors if colors is not None else [(230, 60, 60)], dtype=np.uint8
        ).reshape(-1, 3)
        self.background = np.array(background, dtype=np.uint8)
        self.zero_color = np.array(zero_color, dtype=np.uint8)
        self._rgb = [tuple(int(x) for x in c) for c in self.colors]
        self.image = np.empty((self.height, self.width, 3), dtype=np.uint8)
        self.clear()

    @classmethod
    def from_spec(cls, spec: Scope) -> ScopeBuffer:
        """An empty buffer with the size, window, range and colours of a Scope spec.

        Parameters
        ----------
        spec : Scope
            The display spec.

        Returns
        -------
        ScopeBuffer
            The buffer.
        """
        return cls(spec.width, spec.height, spec.t_window, spec.y_range, spec.colors)

    def clear(self) -> None:
        """Reset the image to the background and the zero line, and ``n_clipped`` to 0."""
        self.image[:] = self.background
        self._last_col = None
        self._last_t = None
        self.n_clipped = 0
        zr = self.zero_row
        if zr is not None:
            self.image[zr, :] = self.zero_color

    @property
    def zero_row(self) -> int | None:
        """Row of y = 0, or None when 0 lies outside the y-range."""
        lo, hi = self.y_range
        if lo <= 0.0 <= hi:
            return self._row(np.array([0.0]))[0][0]
        return None

    def column(self, t: float) -> int:
        """Column of time t: c = min(floor((t mod t_window)/t_window * W), W - 1).

        Parameters
        ----------
        t : float
            Time (simulation time units).

        Returns
        -------
        int
            The column index in [0, W).
        """
        c = int(math.floor((t % self.t_window) / self.t_window * self.width))
        return min(c, self.width - 1)

    def _row(self, y):
        lo, hi = self.y_range
        y = np.asarray(y, dtype=np.float64)
        bad = np.isnan(y)
        if bad.any():
            y = np.where(bad, lo - 1.0, y)
        clipped = (y < lo) | (y > hi)
        r = np.floor((hi - y) * ((self.height - 1) / (hi - lo)) + 0.5)
        return np.clip(r, 0, self.height - 1).astype(np.int64), clipped

    def _r1(self, v):
        """Row of one value (python floats; faster than numpy for a few traces)."""
        lo, hi = self.y_range
        if not lo <= v <= hi:  # also NaN
            self.n_clipped += 1
            return 0 if v > hi else self.height - 1
        return min(self.height - 1, int(math.floor((hi - v) * (self.height - 1) / (hi - lo) + 0.5)))

    def _clear_cols(self, cols):
        self.image[:, cols] = self.background
        zr = self.zero_row
        if zr is not None:
            self.image[zr, cols] = self.zero_color

    def add(
        self,
        t: float,
        y: float | Sequence[float] | np.ndarray,
        y_to: float | Sequence[float] | np.ndarray | None = None,
        color: int | Sequence[int] | np.ndarray | None = None,
    ) -> int:
        """Draw the values at time t (sweep with wrap-around; see the class docstring).

        Row of y: r = floor((hi - y)(H - 1)/(hi - lo) + 1/2); out-of-range values (and NaN) are
        drawn at the border and counted in ``n_clipped``.

        Parameters
        ----------
        t : float
            Time (simulation time units).
        y : float or array-like
            One value per trace.
        y_to : float, array-like or None
            End of a vertical segment per trace (None: one pixel).
        color : int, RGB or None
            Colour index, RGB triple(s), or None for the trace colours.

        Returns
        -------
        int
            The drawn column.

        Raises
        ------
        ValueError
            If ``y_to`` does not match ``y`` in length.
        """
        c = self.column(t)
        if self._last_col is None:
            self._clear_cols(slice(c, c + 1))
        elif c != self._last_col or (t - self._last_t) >= self.t_window:
            if (t - self._last_t) >= self.t_window:
                self._clear_cols(slice(None))
            elif c > self._last_col:
                self._clear_cols(slice(self._last_col + 1, c + 1))
            else:  # wrapped around
                self._clear_cols(slice(self._last_col + 1, None))
                self._clear_cols(slice(0, c + 1))
        self._last_col, self._last_t = c, float(t)
        ys = np.ravel(y).tolist() if np.ndim(y) else [float(y)]
        if y_to is None:
            yt = ys
        else:
            yt = np.ravel(y_to).tolist() if np.ndim(y_to) else [float(y_to)] * len(ys)
            if len(yt) != len(ys):
                raise ValueError(f"y_to must match y: {len(yt)} values for {len(ys)} traces")
        if color is None:
            cols = [self._rgb[i % len(self._rgb)] for i in range(len(ys))]
        elif np.ndim(color) == 0:
            cols = [self._rgb[int(color) % len(self._rgb)]] * len(ys)
        else:
            arr = np.asarray(color, dtype=np.uint8).reshape(-1, 3)
            cols = [tuple(arr[i % len(arr)]) for i in range(len(ys))]
        img = self.image
        for v0, v1, rgb in zip(ys, yt, cols):
            a, b = self._r1(v0), self._r1(v1) if v1 is not v0 else None
            if b is None:
                img[a, c] = rgb
            else:
                if a > b:
                    a, b = b, a
                img[a : b + 1, c] = rgb
        return c


class PointerMap:
    """Pixel -> data mapping of one rendered display (saved at the last render).

    For an image: data = pixel / scale. For a figure: the inverse of the axes' data transform,
    with pixel y measured from the top of the rendered image."""

    def __init__(
        self, scale: float = 1.0, transform: Transform | None = None, height: int | None = None
    ) -> None:
        """A pixel -> data map.

        Parameters
        ----------
        scale : float
            Image zoom (data = pixel / scale) when there is no transform.
        transform : matplotlib Transform or None
            Display -> data transform of a figure's axes.
        height : int or None
            Rendered figure height in pixels (to flip y).
        """
        self.scale, self.transform, self.height = float(scale), transform, height

    @classmethod
    def from_axes(cls, ax: Axes) -> PointerMap:
        """The map of ``ax``'s current data transform.

        Parameters
        ----------
        ax : matplotlib.axes.Axes
            Axes of a rendered figure.

        Returns
        -------
        PointerMap
            Inverse (frozen) data transform and figure height (pixels).
        """
        fig = ax.figure
        h = int(round(fig.get_figheight() * fig.dpi))
        return cls(1.0, ax.transData.inverted().frozen(), h)

    def __call__(self, px, py):
        if self.transform is None:
            return px / self.scale, py / self.scale
        x, y = self.transform.transform((px, self.height - py))
        return float(x), float(y)

    def inverse(self, x: float, y: float) -> tuple[float, float]:
        """Data -> pixel (for tests and simulated clicks).

        Parameters
        ----------
        x, y : float
            Data coordinates.

        Returns
        -------
        tuple of float
            Pixel (x right, y down).
        """
        if self.transform is None:
            return x * self.scale, y * self.scale
        px, py = self.transform.inverted().transform((x, y))
        return float(px), float(self.height - py)


def pixel_to_data(pmap: PointerMap, px: float, py: float) -> tuple[float, float]:
    """Map a displayed pixel (x right, y down, natural size) to data coordinates.

    Parameters
    ----------
    pmap : PointerMap
        The map of a rendered display (``runner.pointer_maps[name]``).
    px, py : float
        Pixel position.

    Returns
    -------
    tuple of float
        Data coordinates (x, y).

    Raises
    ------
    TypeError
        If ``pmap`` is not a PointerMap.
    """
    if not isinstance(pmap, PointerMap):
        raise TypeError(
            "pixel_to_data needs the PointerMap of a rendered display (runner.pointer_maps[name])"
        )
    return pmap(px, py)
