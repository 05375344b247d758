"""Image conversion, figure rendering, the scope, pixel -> data mapping."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuroplastic.sim import PointerMap, ScopeBuffer, figure_to_array, to_uint8


def test_float_images_scale_by_range_and_uint8_bool_pass():
    a = np.array([[-1.0, 0.0], [0.5, 1.0]])
    assert to_uint8(a, (-1.0, 1.0)).tolist() == [[0, 128], [191, 255]]
    assert to_uint8(np.array([[0.0, 2.0]])).tolist() == [[0, 255]]  # default [0, 1], clipped
    u = np.array([[3, 200]], dtype=np.uint8)
    assert to_uint8(u).tolist() == [[3, 200]]
    assert to_uint8(np.array([[True, False]])).tolist() == [[255, 0]]
    with pytest.raises(ValueError):
        to_uint8(np.zeros(5))


def test_figures_render_to_fixed_shape():
    for _ in range(2):
        fig = Figure(figsize=(3, 2), dpi=50)
        fig.add_subplot(111).plot([0, 1], [0, 1])
        arr = figure_to_array(fig)
        assert arr.shape == (100, 150, 3) and arr.dtype == np.uint8


def test_scope_column_clear_wrap_zero_line_and_clipping():
    s = ScopeBuffer(width=10, height=11, t_window=10.0, y_range=(-5.0, 5.0), colors=[(255, 0, 0)])
    zr = s.zero_row
    assert zr == 5 and (s.image[zr] == s.zero_color).all()
    assert s.column(3.2) == 3 and s.column(13.2) == 3
    s.add(0.0, 5.0)
    assert tuple(s.image[0, 0]) == (255, 0, 0)
    s.add(4.0, -5.0, 5.0)  # vertical segment over the full height in column 4
    assert (s.image[:, 4] == (255, 0, 0)).all()
    s.add(12.0, 0.0)  # wraps: clears columns 5..9 and 0..2
    assert tuple(s.image[0, 0]) == tuple(s.background) and tuple(s.image[zr, 0]) == tuple(
        s.zero_color
    )
    assert (s.image[:, 4] == (255, 0, 0)).all()  # column 4 is not yet cleared
    s.add(13.0, 9.0)
    s.add(13.5, [-9.0, 1.0])  # several traces in one call, two clipped
    assert (
        s.n_clipped == 2
        and tuple(s.image[0, 3]) == (255, 0, 0)
        and tuple(s.image[10, 3]) == (255, 0, 0)
    )
    s.add(14.0, 1.0)
    assert not (s.image[:, 4] == (255, 0, 0)).all()


def test_pixel_to_data_within_half_pixel():
    fig = Figure(figsize=(4, 3), dpi=100)
    ax = fig.add_subplot(111)
    ax.set(xlim=(-8, 8), ylim=(-8, 8))
    figure_to_array(fig)
    pm = PointerMap.from_axes(ax)
    rng = np.random.default_rng(0)
    for x, y in rng.uniform(-7, 7, (20, 2)):
        px, py = pm.inverse(x, y)
        qx, qy = pm(px, py)
        assert abs(qx - x) < 1e-9 and abs(qy - y) < 1e-9
        # an error of 0.5 px maps to at most 0.5 px worth of data units
        dx = 16 / (ax.bbox.width)
        qx2, _ = pm(round(px), py)
        assert abs(qx2 - x) <= 0.5 * dx + 1e-9
    img = PointerMap(scale=2.0)
    assert img(10, 4) == (5.0, 2.0)
