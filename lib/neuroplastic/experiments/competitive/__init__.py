"""Experiments on competitive learning: the figure, table and claim drivers of chapter 3
(:mod:`.sparse_rule`: RR against backprop and Krotov–Hopfield) and chapter 4
(:mod:`.information`: the information efficiency of the same models). Import the modules by
name; this package imports none of them."""
