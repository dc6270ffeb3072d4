"""Notebook set-up shared by every chapter: ``c6.notebook.setup()``.

The figure functions build ``matplotlib.figure.Figure`` objects without
pyplot, so IPython is told here how to show one (as a PNG).  Printing is set
to a fixed precision so that the stored outputs are stable from run to run.
"""
import io

import numpy as np
from matplotlib.figure import Figure

__all__ = ["setup", "figure_png"]


def figure_png(fig, dpi=100):
    """The PNG bytes of a Figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def setup(precision=4):
    """Show Figures as PNG images and print numbers with ``precision`` digits."""
    np.set_printoptions(precision=precision, suppress=True)
    try:
        from IPython import get_ipython
    except ImportError:                          # pragma: no cover
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
