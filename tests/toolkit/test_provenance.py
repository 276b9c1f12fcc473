"""The three-way split of `sidebyside loc`: framework, extensions, ours (sidebyside/provenance)."""

import importlib.metadata

import pytest

from sidebyside.loc import count_loc, load_concerns
from sidebyside.provenance import (
    ModuleCounter,
    add_provenance,
    distribution_of,
    module_files,
    provenance,
)
from sidebyside.report import PROVENANCE_CACHE
from tests.support.paths import REPO

CONCERNS = load_concerns(REPO)


def listed_modules(app: str) -> list[str]:
    return [m for concern in CONCERNS.values() for m in concern.get("uses", {}).get(app, [])]


def test_a_module_is_a_file_and_a_package_is_every_file_but_its_tests():
    (csrf,) = module_files("django.middleware.csrf")
    assert csrf.name == "csrf.py" and csrf.parent.name == "middleware"
    files = module_files("django.contrib.sessions")
    assert len(files) > 5
    assert all(f.suffix == ".py" and "tests" not in f.parts for f in files)
    (init,) = module_files("django.conf.__init__")
    assert init.name == "__init__.py" and init.parent.name == "conf"


def test_an_unknown_module_is_an_error_not_a_zero():
    with pytest.raises(ModuleNotFoundError):
        module_files("django.no_such_module")
    with pytest.raises(ModuleNotFoundError):
        module_files("no_such_package_anywhere")


def test_every_listed_module_resolves_once():
    for app in ("django", "flask"):
        modules = listed_modules(app)
        assert len(modules) == len(set(modules)), f"{app}: a module listed twice"
        for module in modules:
            assert module_files(module), module
        packages = [m for m in modules if not m.endswith(".__init__")]
        nested = [(a, b) for a in packages for b in modules if b.startswith(a + ".")]
        assert nested == [], f"{app}: counted twice inside a listed package: {nested}"


def test_the_distribution_decides_framework_or_extension(tmp_path):
    split = provenance(
        "django",
        ["django.middleware.csrf", "rest_framework.permissions", "rest_framework.throttling"],
        17,
        ModuleCounter(tmp_path / "cache.json"),
    )
    assert split["framework"]["modules"] == ["django.middleware.csrf"]
    assert split["framework"]["code"] > 0
    (drf,) = split["extensions"]
    assert drf["name"] == "djangorestframework"
    assert drf["version"] == importlib.metadata.version("djangorestframework")
    assert drf["modules"] == ["rest_framework.permissions", "rest_framework.throttling"]
    assert split["ours"] == 17
    assert distribution_of("werkzeug.routing")[0] == "Werkzeug"


def test_counts_are_cached_by_version(tmp_path):
    cache = tmp_path / "cache.json"
    first = ModuleCounter(cache)
    version = importlib.metadata.version("django")
    lines = first.count("django.middleware.csrf", version)
    first.save()
    again = ModuleCounter(cache)
    assert again.counts == {f"django.middleware.csrf=={version}": lines}
    assert again.count("django.middleware.csrf", version) == lines


def test_the_split_keeps_our_counts_and_adds_up():
    # The report's own cache (keyed by module and version): test_batteries and the quick
    # report count the same installed modules, once per checkout.
    loc = add_provenance(count_loc(REPO), CONCERNS, PROVENANCE_CACHE)
    for app in ("django", "flask"):
        ours = sum(row["provenance"][app]["ours"] for row in loc["concerns"])
        assert ours == loc["apps"][app]["code"]
        framework = sum(row["provenance"][app]["framework"]["code"] for row in loc["concerns"])
        assert loc["provenance_totals"][app]["framework"] == framework > 0
    admin = next(row for row in loc["concerns"] if row["name"] == "admin")
    assert admin["provenance"]["flask"] == {
        "framework": {"code": 0, "modules": []},
        "extensions": [],
        "ours": 0,
    }
