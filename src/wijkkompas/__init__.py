"""wijkkompas: the integral, multi-year neighbourhood approach to livability, in one tool."""

__version__ = "0.1.0"
