"""Notebook tooling shared by ``make notebooks`` and the tests.

* :func:`execute` runs every notebook in reading order, in place, and leaves
  each .py/.ipynb pair synchronised.
* :func:`drifted` tells which pairs ``jupytext --sync`` would change.
"""
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
WIDGET = "application/vnd.jupyter.widget-view+json"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def pairs(folder=NOTEBOOKS):
    """The .py sources of the notebooks, in reading order."""
    return sorted(p for p in Path(folder).glob("[0-9][0-9]_*.py"))


def _jupytext(*args, cwd):
    """``jupytext --quiet ARGS`` run in this process (a subprocess per call
    would cost a second of start-up each)."""
    from jupytext.cli import jupytext as cli
    paths = [str(Path(cwd) / a) if not a.startswith("-") else a for a in args]
    if cli(["--quiet", *paths]):
        raise RuntimeError("jupytext %s failed" % " ".join(args))


def execute(folder=NOTEBOOKS, names=None, timeout=600):
    """Sync each notebook from its .py, execute it in place, re-sync.
    Returns [(name, seconds)]."""
    from nbclient import NotebookClient
    from nbval.plugin import coalesce_streams
    folder = Path(folder)
    times = []
    for py in pairs(folder):
        if names and py.stem not in names:
            continue
        ipynb = py.with_suffix(".ipynb")
        if ipynb.exists():
            # the .py is the source of truth: make it the newer file
            py.touch()
        _jupytext("--sync", py.name, cwd=folder)
        nb = nbformat.read(ipynb, as_version=4)
        nb.metadata["kernelspec"] = KERNELSPEC
        nb.metadata.setdefault("language_info", {"name": "python"})
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                store_widget_state=True, record_timing=False,
                                resources={"metadata": {"path": str(folder)}})
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start
        for cell in nb.cells:
            cell.metadata.pop("execution", None)          # timestamps
            if cell.cell_type == "code":
                # merge stream pieces and apply carriage returns, exactly as
                # nbval does before comparing: stored = what the test sees
                cell.outputs = coalesce_streams(cell.outputs)
                if any(WIDGET in o.get("data", {}) for o in cell.outputs):
                    # a widget only lives in a running kernel; its stored view
                    # (random model ids) would only add noise to every diff
                    cell.outputs = []
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, ipynb)
        _jupytext("--sync", ipynb.name, cwd=folder)
        times.append((py.stem, seconds))
        print("%-40s %6.1f s" % (py.stem, seconds), flush=True)
    return times


def drifted(folder=NOTEBOOKS):
    """Names of the pairs that ``jupytext --sync`` would change, whichever of
    the two files it took as the newer one.  Works on copies."""
    folder = Path(folder)
    bad = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copy(folder / "jupytext.toml", tmp / "jupytext.toml")
        for py in pairs(folder):
            ipynb = py.with_suffix(".ipynb")
            if not ipynb.exists():
                bad.append(py.stem + " (no .ipynb)")
                continue
            for newer in (".py", ".ipynb"):
                a, b = tmp / py.name, tmp / ipynb.name
                shutil.copy(py, a)
                shutil.copy(ipynb, b)
                (a if newer == ".py" else b).touch()
                _jupytext("--sync", (a if newer == ".py" else b).name, cwd=tmp)
                if a.read_bytes() != py.read_bytes() or b.read_bytes() != ipynb.read_bytes():
                    bad.append(py.stem)
                    break
        for ipynb in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
            if not ipynb.with_suffix(".py").exists():
                bad.append(ipynb.stem + " (no .py)")
    return bad


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        drift = drifted()
        print("drifted pairs:", drift or "none")
        sys.exit(1 if drift else 0)
    total = sum(s for _, s in execute(names=sys.argv[1:] or None))
    print("%-40s %6.1f s" % ("total", total))
