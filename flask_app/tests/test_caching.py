"""The view cache: a seed (rows loaded around the services) retires the cached answers."""

import json

from catalogue.config import REPO_DIR

FIXTURE = json.loads((REPO_DIR / "shared_spec" / "fixtures" / "catalogue.json").read_text())


def test_a_seed_retires_the_cached_category_list(app):
    client = app.test_client()

    def slugs():
        response = client.get("/api/categories?page_size=100")
        assert response.status_code == 200
        return [category["slug"] for category in response.get_json()["results"]]

    small = slugs()
    assert slugs() == small  # from the cache now
    result = app.test_cli_runner().invoke(args=["seed", "--flush"])
    assert result.exit_code == 0, result.output
    assert slugs() == sorted(category["slug"] for category in FIXTURE["categories"]) != small
