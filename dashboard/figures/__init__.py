"""Pure figure functions: a frame and options in, a ``go.Figure`` out; no I/O, no globals mutated."""
