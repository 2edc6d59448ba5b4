"""The hand-written stub of the native module (cvm/_cvm.pyi) names exactly what the extension
exports: every module-level name and every public method or property of its classes. The full
check (parameters, defaults, kinds) is stubtest, run by `make test-typing`; this one is fast and
runs on every stack."""

import ast
import inspect
import pathlib

import cvm
import cvm._cvm as native

STUB = pathlib.Path(cvm.__file__).with_name("_cvm.pyi")


def _stub() -> ast.Module:
    return ast.parse(STUB.read_text(encoding="utf-8"))


def _stub_names(tree: ast.Module) -> dict:
    """Top-level public names of the stub → the public member names of each class (else None)."""
    names: dict = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            members = None
            if isinstance(node, ast.ClassDef):
                members = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
            names[node.name] = members
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = None
    return {k: v for k, v in names.items() if not k.startswith("_") or k == "__version__"}


def _public_members(cls: type) -> set:
    return {n for n, _ in inspect.getmembers(cls) if not n.startswith("_") or n == "__len__"} - {
        n for n in dir(object) if not n.startswith("_")
    }


def test_stub_all_is_the_extension_all():
    assigned = [n for n in _stub().body if isinstance(n, ast.Assign)]
    declared = [ast.literal_eval(n.value) for n in assigned if [ast.unparse(t) for t in n.targets] == ["__all__"]]
    assert declared == [list(native.__all__)]


def test_stub_declares_every_exported_name_and_nothing_else():
    stub = _stub_names(_stub())
    assert set(stub) == set(native.__all__)


def test_stub_classes_declare_every_public_member():
    stub = _stub_names(_stub())
    classes = {n for n in native.__all__ if inspect.isclass(getattr(native, n))}
    assert classes, "the extension exports classes"
    for name in sorted(classes):
        declared = {m for m in stub[name] if not m.startswith("_") or m == "__len__"}
        assert declared == _public_members(getattr(native, name)), name
