"""The small utility app answers alike in both frameworks (sidebyside/utility.py)."""

from sidebyside.utility import PROBES, answers, dependencies, static_figures


def test_both_utilities_answer_every_probe_alike_and_django_checks_csrf() -> None:
    django, flask = answers("utility-django"), answers("utility-flask")
    assert len(django) == len(flask) == len(PROBES)
    for probe, ours_d, ours_f in zip(PROBES, django, flask, strict=True):
        shared = ("status", "json", "output", "form_page")
        assert {k: ours_d[k] for k in shared} == {k: ours_f[k] for k in shared}, probe
    assert flask[2]["json"] == {
        "algorithm": "sha256",
        "digest": "2b7153247dd0f32d15dfdc684b339f3499fe6613b19fe95d3fb5c79890268911",
    }
    assert flask[5]["output"] == [["d093de12bc160363f2e1c8f9a6d76acf7e7bb562", ""]]
    # The form without its token: Django refuses it; Flask has no CSRF without an extension.
    assert [a["csrf_refused"] for a in django[5:]] == [403, 403]
    assert [a["csrf_refused"] for a in flask[5:]] == [None, None]


def test_dependencies_are_what_installing_the_framework_brings() -> None:
    assert dependencies("django") == ["asgiref", "django", "sqlparse"]
    assert {"flask", "werkzeug", "jinja2", "markupsafe"} <= set(dependencies("flask"))
    assert static_figures("utility-flask")["files"] == 1
