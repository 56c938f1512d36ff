"""ARCHITECTURE rule 8: the layers are declared here, once, and an import that breaks them fails
the suite with the file and line that broke them. The rules themselves are in `layering.py`;
docs/development.md explains them in plain words."""

from __future__ import annotations

import textwrap
from pathlib import Path

from layering import Contract, Layers

SRC = Path(__file__).resolve().parent.parent / "src"

# Bottom to top. "|" separates independent components of one layer (they may not import each
# other); "+" joins the modules of one component. A module belongs to the longest name that
# covers it: "audit.selectors" before "audit".
CONTRACT = Contract(
    package="dalil",
    layers=(
        "nav | audit",  # the navigation registry; the ledger: record(), the chain, checkpoints
        "core",  # text folding, numbering, the vault's rows
        "accounts.models",  # the people and the unit tree the door asks about
        "access",  # the door: permissions, policies, scope(), can(), require()
        "search",  # the search index and its registry
        # Reading the ledger, and the vault: both ask the door.
        "audit.selectors + audit.policies + audit.searchables + audit.visibility + audit.alert_review"
        " | core.vault + core.policies + core.backup",
        "accounts",  # users, units, sign-in
        "jobs | reports",
        "parties",
        "cases",
        "casework | judicial",
        "detention | evidence",
        # A scene shows the evidence items collected at it; a laboratory request names them.
        "scenes | labs",
    ),
    # Modules (or packages) that present or wire an app: they sit above all of its domain code.
    # A name also matches as a suffix: admin_views, ui_views, admin_urls, mine_urls.
    top_names=frozenset(
        [
            "views",
            "urls",
            "api",
            "forms",
            "filters",
            "templatetags",
            "middleware",
            "apps",
            "management",
            "demo",
            "contributions",
            "navigation",
            "dossier",
        ]
    ),
    kit=("ui", "api"),  # what every page uses: lists, forms, panels, the API's base classes
    site=("config", "cli", "__main__"),  # the URL root, settings and the command line
)


def test_no_import_breaks_the_layers():
    violations = Layers(CONTRACT, SRC).check()
    assert not violations, "imports that break the layers (tests/test_layers.py):\n" + "\n".join(
        str(v) for v in violations
    )


def test_the_worker_and_the_api_router_import_no_app_and_apps_import_no_ui():
    """The cycles the contract was written against stay broken: the worker runs the duties apps
    registered, the REST router the viewsets apps registered, and apps name their pages in
    `dalil.nav`, not in the ui."""
    layers = Layers(CONTRACT, SRC)
    found = dict(layers.modules())
    known = set(found)

    def imported(module: str) -> set[str]:
        return {t.split(".")[0] for _line, t in layers.imports(module, found[module], known)}

    assert imported("jobs.management.commands.worker") <= {"audit", "jobs"}
    assert imported("api.urls") <= {"api"}
    assert not [m for m in found if m.endswith(".apps") and m != "ui.apps" and "ui" in imported(m)]


# --- The checker, on a small package of its own ------------------------------------------------
SHOP = Contract(
    package="shop",
    layers=("base", "orders | billing", "delivery"),
    top_names=frozenset(["views", "urls"]),
    kit=("ui",),
    site=("site",),
)


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "shop" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


CLEAN = {
    "__init__.py": "",
    "base/__init__.py": "",
    "base/models.py": "import json\n",
    "orders/__init__.py": "",
    "orders/models.py": "from shop.base.models import json\n",
    "orders/services.py": "from . import models\nfrom .models import json\n",
    "orders/views.py": "from shop.ui import lists\nfrom . import services\n",
    "billing/__init__.py": "",
    "billing/services.py": "from shop.base import models\n",
    "delivery/__init__.py": "",
    "delivery/services.py": "from shop.orders import services\nfrom shop.billing.services import x\n",
    "delivery/views.py": "from shop.orders.views import y\nfrom shop.ui.lists import z\n",
    "ui/__init__.py": "",
    "ui/lists.py": "from shop.delivery import services\n",
    "site.py": "from shop.delivery import views\nfrom shop.orders import views as o\n",
    "orders/tests/test_x.py": "from shop.delivery import views\n",  # tests are not checked
}


def test_the_checker_accepts_imports_that_go_down(tmp_path):
    assert Layers(SHOP, _package(tmp_path, CLEAN)).check() == []


def test_the_checker_names_each_import_that_breaks_a_rule_with_its_file_and_line(tmp_path):
    broken = {
        **CLEAN,
        # A lazy import inside a function counts: it is how cycles hide.
        "base/models.py": """
            import json


            def total():
                from shop.orders.models import Order
                return Order
            """,
        "orders/services.py": "from shop.billing import services\n",  # a sibling
        "billing/services.py": "from shop.orders.views import page\n",  # domain -> a page
        "orders/views.py": "from shop.delivery.views import page\n",  # a page of an app above
        "ui/lists.py": "from shop.orders import views\n",  # the kit -> an app's page
        "delivery/services.py": "from shop import site\n",  # the site
        "extra/models.py": "",  # an app in no layer
    }
    root = _package(tmp_path, broken)
    found = sorted(str(v).removeprefix(f"{root.name}/") for v in Layers(SHOP, root).check())
    assert found == [
        "shop/base/models.py:5: base.models imports orders.models: base (layer 0) may not import"
        " orders (layer 1), in a higher layer",
        "shop/billing/services.py:1: billing.services imports orders.views: billing (layer 1) is"
        " domain code and may not import the top of orders (layer 1)",
        "shop/delivery/services.py:1: delivery.services imports site: nothing imports the site"
        " (site)",
        "shop/extra/models.py:1: extra.models: in no layer: declare its app (extra) in a layer",
        "shop/orders/services.py:1: orders.services imports billing.services: orders (layer 1)"
        " may not import billing (layer 1), in the same layer",
        "shop/orders/views.py:1: orders.views imports delivery.views: the top of orders (layer 1)"
        " may not import the top of delivery (layer 2), in a higher layer",
        "shop/ui/lists.py:1: ui.lists imports orders.views: the kit (ui) may not import the top"
        " of orders (layer 1)",
    ]


def test_the_checker_resolves_relative_and_package_imports(tmp_path):
    root = _package(
        tmp_path,
        {
            **CLEAN,
            "base/__init__.py": "from ..orders import models\n",  # a package's own __init__
            "base/models.py": "from .. import billing\n",
        },
    )
    found = sorted((v.importer, v.imported) for v in Layers(SHOP, root).check())
    assert found == [("base", "orders.models"), ("base.models", "billing")]
