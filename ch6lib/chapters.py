"""The chapter map: every notebook of the book, in reading order."""
from pathlib import Path

__all__ = ["CHAPTERS", "NOTEBOOKS", "existing", "markdown_table"]

#: The notebooks directory of the repository this package was installed from.
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

#: (section, title, notebook file stem), in reading order.
CHAPTERS = [
    ("6", "Deep Feedforward Networks", "00_deep_feedforward_networks"),
    ("6.1", "Example: Learning XOR", "01_learning_xor"),
    ("6.2", "Gradient-Based Learning", "02_gradient_based_learning"),
    ("6.2.1", "Cost Functions", "03_cost_functions"),
    ("6.2.2", "Output Units", "04_output_units"),
    ("6.3", "Hidden Units", "05_hidden_units"),
    ("6.3.1", "Rectified Linear Units and Their Generalizations", "06_relu_and_generalizations"),
    ("6.3.2", "Logistic Sigmoid and Hyperbolic Tangent", "07_sigmoid_and_tanh"),
    ("6.3.3", "Other Hidden Units", "08_other_hidden_units"),
    ("6.4", "Architecture Design", "09_architecture_design"),
    ("6.4.1", "Universal Approximation Properties and Depth", "10_universal_approximation"),
    ("6.4.2", "Other Architectural Considerations", "11_other_architectural_considerations"),
    ("6.5", "Back-Propagation and Other Differentiation Algorithms", "12_backpropagation"),
    ("6.5.1", "Computational Graphs", "13_computational_graphs"),
    ("6.5.2", "Chain Rule of Calculus", "14_chain_rule"),
    ("6.5.3", "Recursively Applying the Chain Rule to Obtain Backprop", "15_recursive_chain_rule"),
    ("6.5.4", "Back-Propagation Computation in Fully Connected MLP", "16_backprop_in_mlp"),
    ("6.5.5", "Symbol-to-Symbol Derivatives", "17_symbol_to_symbol"),
    ("6.5.6", "General Back-Propagation", "18_general_backprop"),
    ("6.5.7", "Example: Back-Propagation for MLP Training", "19_backprop_for_mlp_training"),
    ("6.5.8", "Complications", "20_complications"),
    ("6.5.9", "Differentiation outside the Deep Learning Community", "21_differentiation_outside_dl"),
    ("6.5.10", "Higher-Order Derivatives", "22_higher_order_derivatives"),
    ("6.6", "Historical Notes", "23_historical_notes"),
    ("", "Glossary (Korean–English)", "24_glossary"),
]


def existing(folder=None):
    """The stems of the chapters whose notebook exists in ``folder``."""
    folder = Path(folder) if folder else NOTEBOOKS
    return [stem for _, _, stem in CHAPTERS if (folder / (stem + ".ipynb")).exists()]


def markdown_table(prefix="", folder=None):
    """The chapter map as a Markdown table; notebooks that exist are linked
    (with ``prefix`` before the file name), the others are marked planned."""
    have = set(existing(folder))
    lines = ["| section | title | notebook |", "|---|---|---|"]
    for section, title, stem in CHAPTERS:
        cell = ("[%s.ipynb](%s%s.ipynb)" % (stem, prefix, stem)) if stem in have else "planned"
        lines.append("| %s | %s | %s |" % (section or "—", title, cell))
    return "\n".join(lines)
