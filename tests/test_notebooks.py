"""The notebooks as files: pairs in sync, conventions kept, figures
reproducible, nbval strict.  (nbval itself re-executes every notebook: it runs
as part of the same pytest session.)"""
import json
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from ch6lib import chapters, figures

ROOT = Path(__file__).resolve().parent.parent
NB = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as tool  # noqa: E402

IPYNBS = sorted(NB.glob("[0-9][0-9]_*.ipynb"))


def load(path):
    return nbformat.read(path, as_version=4)


def test_there_are_notebooks():
    assert len(IPYNBS) >= 2


# -- pairs ----------------------------------------------------------------------------
def test_every_pair_is_in_sync():
    assert tool.drifted() == []


def _make_pair(folder, name="99_tiny"):
    shutil.copy(NB / "jupytext.toml", folder / "jupytext.toml")
    (folder / (name + ".py")).write_text(
        "# %% [markdown]\n# # 6 Tiny\n\n# %%\nx = 1\nprint(x)\n")
    tool._jupytext("--sync", name + ".py", cwd=folder)
    return folder / (name + ".py"), folder / (name + ".ipynb")


def test_drift_check_catches_a_drifted_pair(tmp_path):
    py, ipynb = _make_pair(tmp_path)
    assert tool.drifted(tmp_path) == []
    original = py.read_text()
    py.write_text(original.replace("x = 1", "x = 2"))          # edit the .py only
    assert tool.drifted(tmp_path) == ["99_tiny"]
    py.write_text(original)
    nb = json.loads(ipynb.read_text())                          # edit the .ipynb only
    nb["cells"][1]["source"] = ["x = 3\n", "print(x)"]
    ipynb.write_text(json.dumps(nb, indent=1))
    assert tool.drifted(tmp_path) == ["99_tiny"]
    ipynb.unlink()                                               # a lonely .py
    assert tool.drifted(tmp_path) == ["99_tiny (no .ipynb)"]


def test_py_files_carry_no_jupytext_version():
    for py in NB.glob("[0-9][0-9]_*.py"):
        assert "jupytext_version" not in py.read_text()


# -- conventions -------------------------------------------------------------------------
def _source(cell):
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


@pytest.mark.parametrize("path", IPYNBS, ids=[p.stem for p in IPYNBS])
def test_notebook_conventions(path):
    nb = load(path)
    by_stem = {stem: (section, title) for section, title, stem in chapters.CHAPTERS}
    assert path.stem in by_stem, "add %s to ch6lib.chapters.CHAPTERS" % path.stem
    section, title = by_stem[path.stem]
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert _source(first).splitlines()[0] == "# %s %s" % (section, title)

    code = [c for c in nb.cells if c.cell_type == "code"]
    # executed, top to bottom, without errors
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    # at least one widget, and ignore-output only where a widget is shown
    ignored = [c for c in code if "nbval-ignore-output" in c.metadata.get("tags", [])]
    assert ignored, "no widget cell"
    for c in ignored:
        assert re.match(r"^widgets\.\w+\(", _source(c).strip()), _source(c)
    # nothing that changes from run to run is stored: no widget state or
    # widget views (random ids), no execution timestamps
    assert "widgets" not in nb.metadata
    assert not any("execution" in c.metadata for c in code)
    assert not any(tool.WIDGET in o.get("data", {}) for c in code for o in c.outputs)
    # figures are stored as images, so they show on GitHub
    assert sum("image/png" in o.get("data", {}) for c in code for o in c.outputs) >= 3
    # exercises: a checker call for the reader and one in a hidden solution
    text = "\n".join(_source(c) for c in nb.cells)
    assert "## " in text and "Exercises" in text
    checks = [c for c in code if "exercises.check_" in _source(c)]
    hidden = [c for c in checks if c.metadata.get("jupyter", {}).get("source_hidden")]
    visible = [c for c in checks if c not in hidden]
    assert len(hidden) == len(visible) >= 3
    for c in visible:
        assert "..." in _source(c), "the reader's cell should start with ... placeholders"
    # every stated fact is checked somewhere
    assert sum("assert " in _source(c) for c in code) >= 5


def test_notebooks_are_named_in_reading_order():
    stems = [p.stem for p in IPYNBS]
    order = [stem for _, _, stem in chapters.CHAPTERS]
    assert stems == [s for s in order if s in stems]
    assert all(re.match(r"^\d\d_[a-z0-9_]+$", s) for s in stems)


def test_readme_and_intro_show_the_chapter_map():
    readme = (ROOT / "README.md").read_text()
    assert chapters.markdown_table(prefix="notebooks/") in readme
    intro = load(NB / "00_deep_feedforward_networks.ipynb")
    shown = [o.data.get("text/markdown", "") for c in intro.cells if c.cell_type == "code"
             for o in c.outputs if o.output_type == "display_data"]
    assert chapters.markdown_table() in shown


def test_how_to_write_a_chapter_is_documented():
    guide = (NB / "README.md").read_text()
    for topic in ("jupytext", "nbval-ignore-output", "source_hidden", "make notebooks",
                  "ch6lib.plots", "ch6lib.exercises", "assert"):
        assert topic in guide, topic


# -- nbval is strict --------------------------------------------------------------------------
def test_pytest_runs_strict_nbval():
    cfg = (ROOT / "pyproject.toml").read_text()
    addopts = re.search(r'addopts = "([^"]*)"', cfg).group(1).split()
    assert "--nbval" in addopts and "--nbval-lax" not in addopts
    assert "--nbval-sanitize-with" in addopts


def test_strict_nbval_fails_on_a_changed_output(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(6 * 7)", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="41\n")]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "wrong.ipynb")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--nbval", "--nbval-current-env", str(tmp_path / "wrong.ipynb"),
                          "-o", "addopts=", "--rootdir", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1, run.stdout
    assert "41" in run.stdout and "42" in run.stdout


def test_sanitizer_hides_float_noise_only():
    import configparser
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "tests" / "sanitize.cfg")
    rules = [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]

    def clean(text):
        for pattern, repl in rules:
            text = pattern.sub(repl, text)
        return text
    assert clean("J = 0.166666667") == clean("J = 0.166666671")
    assert clean("1.0e-17") == clean("-3.1e-16")
    assert clean("J = 0.1667") != clean("J = 0.1668")
    assert clean("<Tensor at 0x7f12ab>") == clean("<Tensor at 0x7f99cd>")


# -- figures --------------------------------------------------------------------------------
def _png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


def test_make_figures_reproduces_the_committed_figures(tmp_path):
    written = figures.render(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in (ROOT / "figures").glob("*.png"))
    for path in written:
        assert _png_size(path) == _png_size(ROOT / "figures" / path.name)
    assert any(p.name.startswith("6.1_") for p in written)
