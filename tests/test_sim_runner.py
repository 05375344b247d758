"""Runner order: sync/async values, buttons, modified flags, cycles, determinism, pointer events."""

import threading

import pytest

from neuroplastic.sim import (
    Button,
    Displays,
    HeadlessRunner,
    Image,
    Parameters,
    Radio,
    Simulation,
    Slider,
    TextOut,
    Timing,
)


class Logger(Simulation):
    name = "logger"
    pointer_parameter = "action"
    pointer_actions = {"tap": "click", "pull": "drag"}

    class P(Parameters):
        seed = Slider(0, 100, dtype=int, default=1)
        x = Slider(0.0, 10.0, step=0.5, default=1.0)
        go = Button()
        action = Radio(("tap", "pull"), default="tap")

    class D(Displays):
        img = Image(range=(0.0, 1.0))
        txt = TextOut()

    def init(self):
        self.log = [("init", self.p.x)]
        self.frames = 0
        self.events = []
        self.violations = 0

    def step(self):
        self.log.append(("step", self.step_count, self.p.x, self.p.go, self.is_modified("x")))
        self.d.img = self.rng.random((4, 5))
        self.d.txt = f"{self.step_count} {self.p.x}"
        for _ in range(200):  # a little work, so a concurrent event would land inside a step
            pass

    def frame(self):
        self.frames += 1

    def on_pointer(self, action, kind, pos, start, prev):
        if self._in_step:
            self.violations += 1
        self.events.append((action, kind, pos, start, prev))


def test_sync_value_visible_only_at_next_step_async_at_once():
    r = HeadlessRunner(Logger()).init()
    r.set("x", 3.0)
    assert r.sim.p.x == 1.0  # queued
    r.step()
    assert r.sim.log[-1][2] == 3.0
    a = HeadlessRunner(Logger(update_mode="async")).init()
    a.set("x", 3.0)
    assert a.sim.p.x == 3.0


def test_button_true_for_exactly_one_step_and_modified_flags():
    r = HeadlessRunner(Logger()).init()
    r.step(2)
    r.press("go")
    r.set("x", 2.0)
    r.step(3)
    log = [e for e in r.sim.log if e[0] == "step"]
    assert [e[3] for e in log] == [False, False, True, False, False]
    assert [e[4] for e in log] == [
        True,
        False,
        True,
        False,
        False,
    ]  # first step after init / after change


def test_cycle_counts_steps_and_refreshes_once_per_frame():
    sim = Logger(timing=Timing(steps_per_frame=3, frames_per_cycle=2))
    r = HeadlessRunner(sim, record=True).init()
    f0 = sim.frames
    r.cycle(2)
    assert sim.step_count == 12 and sim.frames - f0 == 4 and len(r.recording) == 4
    r.run(7)
    assert sim.step_count == 19 and len(r.recording) == 4 + 3  # 3 + 3 + 1


def test_same_seed_same_hash_other_seed_differs():
    def run(seed):
        r = HeadlessRunner(Logger(), record=True)
        r.set("seed", seed)
        r.init().cycle(5)
        return r.frame_hash()

    assert run(4) == run(4)
    assert run(4) != run(5)


def test_image_pixel_mapping_and_click_drag_sequences():
    r = HeadlessRunner(Logger()).init()
    r.cycle()
    r.click("img", 2, 3, coords="pixel")
    assert r.sim.events[-1] == ("tap", "click", (2.0, 3.0), (2.0, 3.0), (2.0, 3.0))
    r.set("action", "pull")
    r.step()
    r.drag("img", [(0, 0), (1, 1), (2, 2)])
    kinds = [e[1] for e in r.sim.events[1:]]
    assert kinds == ["drag_start", "drag_move", "drag_move", "drag_end"]
    assert r.sim.events[-1][2] == (2.0, 2.0) and r.sim.events[-1][3] == (0.0, 0.0)


def test_events_from_a_thread_never_interleave_with_step():
    sim = Logger(timing=Timing(steps_per_frame=5))
    r = HeadlessRunner(sim).init()
    r.cycle()
    stop = threading.Event()

    def clicker():
        while not stop.is_set():
            r.click("img", 1, 1)

    th = threading.Thread(target=clicker)
    th.start()
    try:
        r.cycle(200)
    finally:
        stop.set()
        th.join(5)
    assert len(sim.events) > 0 and sim.violations == 0


def test_validation_in_runner():
    r = HeadlessRunner(Logger())
    with pytest.raises(ValueError, match="must lie in"):
        r.set("x", 99.0)
    with pytest.raises(ValueError):
        r.press("x")
    with pytest.raises(ValueError):
        r.run(-1)
    with pytest.raises(TypeError):
        HeadlessRunner(object())
