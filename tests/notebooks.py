"""Run an analysis notebook's code in this process, with its parameters set the way papermill sets
them (the assignments given run right after the cell tagged ``parameters``).

nbval runs every notebook in a real kernel on the test street's default station; this runs the same
cells for each station and period a test names without starting a kernel per run (one kernel start
and pandas import costs more than the notebook itself), so every station of a street and an empty one
can be covered on CI's two cores. What a cell would show (its last expression) is kept per cell."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

ANALYSIS = Path(__file__).resolve().parents[1] / "workbooks" / "analysis"


@dataclass
class Ran:
    """What the notebook left: its variables, and what each code cell showed (None when nothing)."""

    namespace: dict
    shown: list = field(default_factory=list)

    def markdown(self) -> list[str]:
        """The text of every Markdown the notebook displayed (its narratives), in order."""
        return [value._repr_markdown_() for value in self.shown if hasattr(value, "_repr_markdown_")]


def code_cells(path: Path) -> list[tuple[list[str], str]]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [(cell.get("metadata", {}).get("tags", []), "".join(cell["source"]))
            for cell in notebook["cells"] if cell["cell_type"] == "code"]


def run_notebook(name: str, **parameters) -> Ran:
    """Execute ``workbooks/analysis/<name>.ipynb`` with ``parameters``; figures are closed after."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ran = Ran(namespace={"__name__": "__notebook__"})
    try:
        for tags, source in code_cells(ANALYSIS / f"{name}.ipynb"):
            ran.shown.append(_run_cell(source, ran.namespace))
            if "parameters" in tags:
                unknown = set(parameters) - set(ran.namespace)
                assert not unknown, f"{name} has no parameter {', '.join(sorted(unknown))}"
                ran.namespace.update(parameters)
    finally:
        plt.close("all")
    return ran


def _run_cell(source: str, namespace: dict):
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
