"""S1 Hello world, declared both ways (Python specs and ``#@IVISIT:`` lines)."""
from neuroplastic.sim import Displays, Parameters, Simulation, Slider, TextIn, TextOut

HELLO_DIRECTIVES = """
#@IVISIT:SIMULATION & hello
#@IVISIT:TEXT_IN    & name     & [40,1]     & name      & -1 & world
#@IVISIT:SLIDER     & count    & [200,1]    & [0,10,5,1] & count & -1 & int & 3
#@IVISIT:TEXT_OUT   & greeting & [40,3]     & just_left & greeting
"""


class Hello(Simulation):
    name = "hello"

    class P(Parameters):
        name = TextIn(default="world")
        count = Slider(0, 10, step=1, default=3, dtype=int)

    class D(Displays):
        greeting = TextOut(cols=40, rows=3)

    def step(self):
        self.d.greeting = f"Hello, {self.p.name}! " * self.p.count + f"(step {self.step_count})"


@Simulation.from_directives(HELLO_DIRECTIVES)
class HelloDirectives(Simulation):
    def step(self):
        self.d.greeting = f"Hello, {self.p.name}! " * self.p.count + f"(step {self.step_count})"
