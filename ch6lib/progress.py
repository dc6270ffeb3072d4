"""A dependency-free text progress bar for long loops.

It redraws one line with a carriage return.  The bar shows no timings, so
a notebook's stored output is the same on every run (nbval compares it)."""
import sys

__all__ = ["progress"]


def progress(iterable, total=None, desc="", width=30, file=None, updates=50):
    """Yield from ``iterable`` while drawing ``desc  63% |#####     | 63/100``."""
    if total is None:
        total = len(iterable)
    out = file if file is not None else sys.stderr
    every = max(1, total // updates) if total else 1

    def draw(done):
        frac = done / total if total else 1.0
        filled = int(round(width * frac))
        out.write("\r%s %3d%% |%s%s| %d/%d" % (desc, int(100 * frac), "#" * filled,
                                               " " * (width - filled), done, total))
        out.flush()

    draw(0)
    done = 0
    for item in iterable:
        yield item
        done += 1
        if done % every == 0 or done == total:
            draw(done)
    out.write("\n")
    out.flush()
