"""Outside anchors: the published ratios, and where this run's fall among them."""

from sidebyside.report.anchors import our_ratios, placed, published_range, published_rows


def test_published_ratios_are_django_over_flask_from_the_data_file() -> None:
    rows = {(row[0], row[2]): row[-1] for row in published_rows()}
    assert rows[("MDA2AV/HttpArena", "json, 4096 connections")] == round(64084 / 67465, 3)
    assert rows[("MDA2AV/HttpArena", "sync-db, 1024 connections")] == round(47678 / 52217, 3)
    assert published_range() == (0.904, 1.015)


def test_our_ratios_are_placed_against_the_published_range() -> None:
    def minimal(rps: float) -> dict:
        return {"endpoints": {"health": {"rps": rps}}}

    baselines = {"minimal-django": minimal(900.0), "minimal-flask": minimal(1000.0)}
    results = {"bench": {"baselines": baselines}}
    ratios = {what: ratio for what, _, ratio in our_ratios(results)}
    assert ratios["minimal apps, /api/health"] == 0.9
    assert ratios["same-work floors, product list"] is None
    assert placed(0.9).startswith("below") and placed(0.95).startswith("yes")
    assert placed(None) == "not measured"
