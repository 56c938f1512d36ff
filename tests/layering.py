"""The import checker behind tests/test_layers.py: reads every module of a package with `ast`
(imports inside functions count: a lazy import is how a cycle hides) and reports each import
that breaks the declared layers, as `path:line`.

A module has a kind:
- **domain** (the default: models, services, selectors, policies, events, registries…) belongs to
  the longest declared component naming it ("audit.selectors" before "audit");
- **top**: the module presents or wires its app (views, urls, forms, api, apps, management
  commands…, matched by name), and sits above every part of its own app;
- **kit**: every module of the apps every page uses (ui, api);
- **site**: the URL roots and the command line, above everything.

The rules, bottom to top:
1. A domain module imports only its own component and components of lower layers: never a
   component of its own layer (they are independent), a higher one, or anything above domain.
2. A top module imports its own app, the kit, and (domain or top) modules of apps below its app.
3. A kit module imports domain modules and the kit, never an app's top modules.
4. Nothing imports the site.
An import may only go down, so no two components can import each other: no cycles.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

DOMAIN, TOP, KIT, SITE = "domain", "top", "kit", "site"


@dataclass(frozen=True)
class Contract:
    package: str  # "dalil"
    layers: tuple[str, ...]  # bottom to top; "a | b" independent components; "a.x + a.y" one
    top_names: frozenset[str]  # module names (or name suffixes "_views") that present or wire
    kit: tuple[str, ...] = ()  # apps wholly above domain that every top module may use
    site: tuple[str, ...] = ()  # modules (and packages) above everything
    skip: tuple[str, ...] = ("tests", "migrations")  # folders not checked


@dataclass(frozen=True)
class Place:
    module: str  # "cases.views" (without the package)
    app: str
    kind: str
    component: str  # the declared component (domain), else the app
    layer: int  # the component's layer (domain), the app's highest layer (top); else -1

    def describe(self) -> str:
        if self.kind == DOMAIN:
            return f"{self.component} (layer {self.layer})"
        if self.kind == TOP:
            return f"the top of {self.app} (layer {self.layer})"
        return f"the {self.kind}"


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    importer: str
    imported: str
    reason: str

    def __str__(self) -> str:
        what = f"{self.importer} imports {self.imported}" if self.imported else self.importer
        return f"{self.path}:{self.line}: {what}: {self.reason}"


class Layers:
    def __init__(self, contract: Contract, root: Path) -> None:
        """`root`: the folder holding the package's folder (`src` for `src/dalil`)."""
        self.contract = contract
        self.root = root
        self.components: dict[str, tuple[int, str]] = {}  # module prefix -> (layer, component)
        for index, layer in enumerate(contract.layers):
            for component in layer.split("|"):
                name = component.strip()
                for prefix in name.split("+"):
                    prefix = prefix.strip()
                    if prefix in self.components:
                        raise ValueError(f"{prefix} is declared twice")
                    self.components[prefix] = (index, name)
        self.app_top: dict[str, int] = {}
        for prefix, (index, _name) in self.components.items():
            app = prefix.split(".")[0]
            self.app_top[app] = max(self.app_top.get(app, -1), index)

    # --- where a module belongs -------------------------------------------------------------
    def modules(self) -> Iterator[tuple[str, Path]]:
        base = self.root / self.contract.package
        for path in sorted(base.rglob("*.py")):
            parts = path.relative_to(base).with_suffix("").parts
            if any(p in self.contract.skip for p in parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts:
                yield ".".join(parts), path

    def place(self, module: str) -> Place:
        parts = module.split(".")
        app = parts[0]
        if _within(module, self.contract.site):
            return Place(module, app, SITE, app, -1)
        if app in self.contract.kit:
            return Place(module, app, KIT, app, -1)
        if any(_is_top(p, self.contract.top_names) for p in parts[1:]):
            return Place(module, app, TOP, app, self.app_top.get(app, -1))
        for end in range(len(parts), 0, -1):
            found = self.components.get(".".join(parts[:end]))
            if found:
                return Place(module, app, DOMAIN, found[1], found[0])
        return Place(module, app, DOMAIN, app, -1)

    # --- what a module imports --------------------------------------------------------------
    def imports(self, module: str, path: Path, known: set[str]) -> Iterator[tuple[int, str]]:
        package = self.contract.package
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield from _inside(node.lineno, alias.name, package, known)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    here = f"{package}.{module}".split(".")
                    up = node.level - 1 if is_package else node.level
                    base = ".".join([*here[: len(here) - up], *([base] if base else [])])
                for alias in node.names:
                    yield from _inside(node.lineno, f"{base}.{alias.name}", package, known)

    def check(self) -> list[Violation]:
        found = dict(self.modules())
        known = set(found)
        out = []
        for module, file in found.items():
            path = file.relative_to(self.root.parent)  # "src/dalil/cases/views.py"
            importer = self.place(module)
            if importer.kind in (DOMAIN, TOP) and importer.layer < 0:
                reason = f"in no layer: declare its app ({importer.app}) in a layer"
                out.append(Violation(str(path), 1, module, "", reason))
                continue
            for line, target in sorted(set(self.imports(module, file, known))):
                reason = self.refusal(importer, self.place(target))
                if reason:
                    out.append(Violation(str(path), line, module, target, reason))
        return out

    def refusal(self, a: Place, b: Place) -> str:
        """Why `a` may not import `b` ("" when it may)."""
        if a.kind == SITE or (a.app == b.app and a.kind != DOMAIN and b.kind != SITE):
            return ""
        if b.kind == SITE:
            return f"nothing imports the site ({b.module})"
        if a.kind == DOMAIN:
            if b.kind != DOMAIN:
                return f"{a.describe()} is domain code and may not import {b.describe()}"
            if a.component == b.component or b.layer < a.layer:
                return ""
            where = "the same layer" if b.layer == a.layer else "a higher layer"
            return f"{a.describe()} may not import {b.describe()}, in {where}"
        if b.kind == KIT or (a.kind == KIT and b.kind == DOMAIN):
            return ""
        if a.kind == KIT:
            return f"the kit ({a.app}) may not import {b.describe()}"
        # a is the top of an app: apps below it only.
        if b.layer < a.layer:
            return ""
        where = "the same layer" if b.layer == a.layer else "a higher layer"
        return f"{a.describe()} may not import {b.describe()}, in {where}"


def _is_top(name: str, top_names: frozenset[str]) -> bool:
    return name in top_names or any(name.endswith(f"_{t}") for t in top_names)


def _within(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in prefixes)


def _inside(line: int, dotted: str, package: str, known: set[str]) -> Iterator[tuple[int, str]]:
    """The package's module an import names: `from dalil.cases import selectors` is the module
    cases.selectors; `from dalil.cases.models import Case` is cases.models."""
    if not (dotted == package or dotted.startswith(f"{package}.")):
        return
    name = dotted[len(package) + 1 :]
    while name and name not in known:
        name = name.rpartition(".")[0]
    if name:
        yield line, name
