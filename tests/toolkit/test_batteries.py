"""Where each battery comes from, on this checkout's concern map (sidebyside/batteries.py)."""

from sidebyside.batteries import battery_rows
from sidebyside.report import count_loc_with_provenance


def test_drf_is_an_extension_and_the_admin_is_djangos_alone() -> None:
    rows = {row["battery"]: row for row in battery_rows(count_loc_with_provenance(print))}
    token = rows["token management"]["apps"]
    assert token["django"]["source"] == "extension"
    assert token["django"]["extensions"][0].startswith("djangorestframework ")
    assert token["flask"]["source"] == "ours" and token["flask"]["ours"] > 0
    assert rows["admin"]["apps"]["django"]["source"] == "framework"
    assert rows["admin"]["apps"]["flask"]["source"] == "none"
    assert rows["CSRF"]["apps"]["flask"]["extensions"][0].startswith("Flask-WTF ")
    # Every concern of the map shows up, the notes' batteries first.
    assert [row["named_by_notes"] for row in rows.values()][:13] == [True] * 13
