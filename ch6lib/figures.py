"""``make figures``: regenerate ``figures/*.png`` from the figure functions.

Run ``python -m ch6lib.figures OUTDIR``.  Each entry maps a file name to a
function that returns the Figure; the same functions draw the figures in the
notebooks."""
import sys
from pathlib import Path

from . import plots, xor

__all__ = ["FIGURES", "render"]


def _seed_study():
    result = xor.train(range(100), lr=0.1, steps=2000)
    return plots.xor_seed_study(result, xor.classify(result.params, result.final))


#: file name -> zero-argument function returning a matplotlib Figure
FIGURES = {
    # section 6
    "6_deep_linear_vs_relu.png": lambda: plots.deep_nets_1d(depth=3, width=8, seed=0),
    "6_rbf_kernel_fits.png": plots.rbf_fits,
    "6_hand_made_features.png": plots.feature_maps,
    # section 6.1 (figures 6.1 to 6.3 of the book, and ours)
    "6.1_fig6.1_xor_spaces.png": plots.xor_spaces,
    "6.1_fig6.2_xor_network.png": plots.xor_network_diagram,
    "6.1_fig6.3_relu.png": plots.relu,
    "6.1_xor_linear_model.png": plots.xor_input_space,
    "6.1_xor_wrong_weights.png": lambda: plots.xor_explorer(W11=1, W12=2, W21=3, W22=4),
    "6.1_xor_seed_study.png": _seed_study,
}


def render(outdir, names=None, dpi=110):
    """Write the figures (all, or those in ``names``) into ``outdir``; return
    the paths written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in FIGURES.items():
        if names is not None and name not in names:
            continue
        fig = make()
        path = outdir / name
        fig.savefig(path, dpi=dpi, metadata={"Software": None})
        written.append(path)
    return written


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    outdir = argv[0] if argv else "figures"
    for path in render(outdir):
        print(path)


if __name__ == "__main__":
    main()
