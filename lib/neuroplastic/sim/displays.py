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

import numpy as np

__all__ = ["to_uint8", "figure_to_array", "ScopeBuffer", "pixel_to_data", "PointerMap"]


def figure_to_array(fig) -> np.ndarray:
    """Render a Matplotlib Figure with Agg; returns ``uint8[H, W, 3]`` with H, W = figsize * dpi."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def to_uint8(value, range=None) -> np.ndarray:
    """Content -> uint8 image (see module doc). ``range`` = (lo, hi) for float images."""
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
        width=400,
        height=150,
        t_window=100.0,
        y_range=(-80.0, 0.0),
        colors=None,
        background=(0, 0, 0),
        zero_color=(90, 90, 90),
    ):
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
    def from_spec(cls, spec):
        return cls(spec.width, spec.height, spec.t_window, spec.y_range, spec.colors)

    def clear(self):
        self.image[:] = self.background
        self._last_col = None
        self._last_t = None
        self.n_clipped = 0
        zr = self.zero_row
        if zr is not None:
            self.image[zr, :] = self.zero_color

    @property
    def zero_row(self):
        lo, hi = self.y_range
        if lo <= 0.0 <= hi:
            return self._row(np.array([0.0]))[0][0]
        return None

    def column(self, t: float) -> int:
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

    def add(self, t, y, y_to=None, color=None):
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

    def __init__(self, scale=1.0, transform=None, height=None):
        self.scale, self.transform, self.height = float(scale), transform, height

    @classmethod
    def from_axes(cls, ax):
        fig = ax.figure
        h = int(round(fig.get_figheight() * fig.dpi))
        return cls(1.0, ax.transData.inverted().frozen(), h)

    def __call__(self, px, py):
        if self.transform is None:
            return px / self.scale, py / self.scale
        x, y = self.transform.transform((px, self.height - py))
        return float(x), float(y)

    def inverse(self, x, y):
        """Data -> pixel (for tests and simulated clicks)."""
        if self.transform is None:
            return x * self.scale, y * self.scale
        px, py = self.transform.inverted().transform((x, y))
        return float(px), float(self.height - py)


def pixel_to_data(pmap: PointerMap, px: float, py: float):
    """Map a displayed pixel (x right, y down, natural size) to data coordinates."""
    if not isinstance(pmap, PointerMap):
        raise TypeError(
            "pixel_to_data needs the PointerMap of a rendered display (runner.pointer_maps[name])"
        )
    return pmap(px, py)
