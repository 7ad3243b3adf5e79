"""The layers point one way: pages -> ui -> rnn_core.figures -> rnn_core.explain -> rnn_core.model -> rnn_core.text.

Read from the source (every import statement, also those inside functions), so a guard fails as soon as a
module imports across a layer, whether or not the import runs in a test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

# What each part of the project may import from the project itself (besides its own modules).
ALLOWED = {
    "rnn_core": {"rnn_core"},  # the package's public API and its entry points may gather from every layer
    "rnn_core.text": set(),
    "rnn_core.model": {"rnn_core.text"},
    "rnn_core.explain": {"rnn_core.text", "rnn_core.model"},
    "rnn_core.figures": {"rnn_core.explain", "rnn_core.model", "rnn_core.text"},
    "rnn_core.lesson": set(),
    "ui": {"rnn_core", "ui"},
    "pages": {"rnn_core", "ui"},
    "app": {"ui"},
    "bench": {"rnn_core", "bench", "deploy"},
    "deploy": set(),  # the launcher runs app.py as a program and imports nothing of the project
}
PROJECT = ("rnn_core", "ui", "pages", "bench", "deploy", "tests", "app")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            found.add(stem)
            found.update(f"{stem}.{a.name}" for a in node.names)  # `from pkg import module`
    return found


def files(*folders: str) -> list[Path]:
    out = []
    for folder in folders:
        target = ROOT / folder
        out += [target] if target.suffix == ".py" else sorted(target.rglob("*.py"))
    return out


def part_of(module: str) -> str | None:
    """The layer a project module belongs to (the longest ALLOWED key that prefixes it)."""
    keys = [k for k in ALLOWED if module == k or module.startswith(k + ".")]
    if keys:
        return max(keys, key=len)
    return module.split(".")[0] if module.split(".")[0] in PROJECT else None


def third_party(path: Path) -> set[str]:
    return {m.split(".")[0] for m in imports(path)}


@pytest.mark.parametrize(
    "path", files("rnn_core", "ui", "pages", "bench", "deploy", "app.py"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_imports_point_down_the_layers(path):
    here = part_of(module_name(path))
    allowed = ALLOWED[here] | {here}
    wrong = []
    for target in imports(path):
        there = part_of(target)
        if there is None or there == here:
            continue
        if not any(there == a or there.startswith(a + ".") for a in allowed):
            wrong.append(target)
    assert not wrong, f"{path.relative_to(ROOT)} ({here}) imports {sorted(set(wrong))}"


@pytest.mark.parametrize("path", files("rnn_core"), ids=lambda p: str(p.relative_to(ROOT)))
def test_rnn_core_never_imports_streamlit_and_only_figures_import_plotly(path):
    used = third_party(path)
    assert "streamlit" not in used
    if "figures" not in path.relative_to(ROOT).parts:
        assert "plotly" not in used, "only rnn_core/figures may build Plotly figures"


@pytest.mark.parametrize("path", files("rnn_core/figures"), ids=lambda p: p.name)
def test_figures_import_neither_streamlit_nor_torch(path):
    assert not third_party(path) & {"streamlit", "torch"}


@pytest.mark.parametrize("path", files("pages", "app.py"), ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_import_only_ui_and_rnn_core_and_never_plotly_or_torch(path):
    used = third_party(path)
    assert not used & {"plotly", "torch", "bench", "tests"}, used
    assert not any(m.startswith("pages") for m in imports(path)), "a page never imports another page"


def test_pages_folder_holds_pages_only():
    """Every file of pages/ is one of the router's pages."""
    routed = set(ast.literal_eval(s) for s in _page_paths())
    assert {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")} == routed


def _page_paths() -> list[str]:
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "Page"]
    return [ast.unparse(c.args[0]) for c in calls]


@pytest.mark.parametrize("path", files("bench"), ids=lambda p: p.name)
def test_bench_never_imports_tests(path):
    assert not any(m == "tests" or m.startswith("tests.") for m in imports(path))


def test_the_guard_sees_a_wrong_import(tmp_path):
    """The guard itself can fail: a figure module importing torch and a layer above it is caught."""
    bad = ROOT / "rnn_core" / "text" / "_guard_probe.py"
    bad.write_text("import torch\nfrom ..explain.trace import trace\nfrom ..figures import style\n")
    try:
        assert "torch" in third_party(bad)
        assert "rnn_core.explain.trace" in imports(bad)
        with pytest.raises(AssertionError):
            test_imports_point_down_the_layers(bad)
    finally:
        bad.unlink()
