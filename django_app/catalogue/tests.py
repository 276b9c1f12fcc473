"""The app's own unit tests, run by Django's test runner (`python manage.py test`)."""

import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import SimpleTestCase, TestCase, TransactionTestCase

from catalogue import selectors, services
from catalogue.exceptions import Conflict
from catalogue.models import Category, PriceChange, Product, Profile, Review


class CatalogueTestCase(TestCase):
    tools: Category
    empty: Category
    hammer: Product
    saw: Product
    drill: Product
    staff: User
    ann: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.tools = Category.objects.create(slug="tools", name="Tools")
        cls.empty = Category.objects.create(slug="empty", name="Empty")
        cls.hammer = Product.objects.create(
            sku="B-2", name="Hammer", description="steel 100% head", price=Decimal("10.00"), stock=5
        )
        cls.saw = Product.objects.create(
            sku="A-1", name="Saw", description="sharp_blade", price=Decimal("10.00"), stock=0
        )
        cls.drill = Product.objects.create(
            sku="C-3", name="Drill", price=Decimal("99.90"), stock=2, is_active=False
        )
        for product in (cls.hammer, cls.saw, cls.drill):
            product.categories.add(cls.tools)
        cls.staff = User.objects.create_user("staff", password="x", is_staff=True)
        cls.ann = User.objects.create_user("ann", password="x")
        Review.objects.create(product=cls.hammer, author=cls.ann, rating=4)
        Review.objects.create(product=cls.hammer, author=cls.staff, rating=5)
        services.stats_rebuild()  # the rows above went around the services


class SelectorTests(CatalogueTestCase):
    def skus(self, user: User, **filters: Any) -> list[str]:
        wanted = selectors.ProductFilters(**filters)
        products = selectors.product_filter(selectors.product_list(user=user), filters=wanted)
        return [product.sku for product in products]

    def test_search_treats_percent_and_underscore_literally(self) -> None:
        self.assertEqual(self.skus(self.ann, search="100%"), ["B-2"])
        self.assertEqual(self.skus(self.ann, search="s_a"), [])

    def test_inactive_products_only_for_staff(self) -> None:
        self.assertEqual(self.skus(self.ann), ["A-1", "B-2"])
        self.assertEqual(self.skus(self.staff), ["A-1", "B-2", "C-3"])

    def test_equal_prices_are_ordered_by_sku_both_ways(self) -> None:
        self.assertEqual(self.skus(self.ann, ordering="price"), ["A-1", "B-2"])
        self.assertEqual(self.skus(self.ann, ordering="-price"), ["A-1", "B-2"])

    def test_list_query_count_does_not_grow_with_the_page(self) -> None:
        with self.assertNumQueries(2):  # the page with ratings, then one prefetch
            list(selectors.product_list(user=self.staff))

    def test_review_exists_for_its_author_only(self) -> None:
        self.assertTrue(selectors.review_exists(product=self.hammer, author=self.ann))
        self.assertFalse(selectors.review_exists(product=self.saw, author=self.ann))
        self.assertFalse(selectors.review_exists(product=self.hammer, author=AnonymousUser()))

    def test_stats_count_active_products_once(self) -> None:
        stats = selectors.catalogue_stats(version=selectors.catalogue_version()).figures
        by_slug = {row["slug"]: row for row in stats["categories"]}
        self.assertEqual(by_slug["tools"]["product_count"], 2)
        self.assertEqual(by_slug["tools"]["inventory_value"], "50.00")
        self.assertIsNone(by_slug["empty"]["avg_price"])
        self.assertEqual(stats["totals"]["avg_price"], "10.00")
        self.assertEqual(stats, selectors.catalogue_stats_recomputed().figures)


class CatalogueVersionTests(CatalogueTestCase):
    """The version row the ETags come from, kept by the migration's triggers."""

    def test_a_write_moves_it_inside_the_writers_transaction_only(self) -> None:
        before = selectors.catalogue_version().version
        with self.assertRaises(RuntimeError), transaction.atomic():
            Product.objects.create(sku="D-4", name="Vice", price=Decimal("5.00"))
            moved = selectors.catalogue_version()
            self.assertGreater(moved.version, before)  # the writer sees its own bump
            raise RuntimeError("roll back")
        after = selectors.catalogue_version()
        self.assertEqual(after.version, before)
        self.assertEqual(after.product_count, Product.objects.count())

    def test_every_table_moves_it_and_the_kept_counts_are_the_counted_ones(self) -> None:
        writes = [
            lambda: Product.objects.create(sku="D-4", name="Vice", price=1, is_active=False),
            lambda: Product.objects.bulk_create(
                [
                    Product(sku=f"E-{n}", name="Bolt", price=1, is_active=n % 2 == 0)
                    for n in range(5)
                ]
            ),
            lambda: Product.objects.filter(sku__startswith="E-").update(is_active=True),
            lambda: Product.objects.filter(sku__in=["A-1", "D-4"]).update(is_active=False),
            lambda: Product.objects.filter(sku__in=["E-0", "E-1", "C-3"]).delete(),
            lambda: Product.objects.filter(sku="A-1").update(is_active=True),
            lambda: Review.objects.create(product=self.saw, author=self.ann, rating=2),
            lambda: Review.objects.filter(product=self.saw).delete(),
            lambda: Category.objects.create(slug="new", name="New"),
            lambda: self.saw.categories.add(self.empty),
            lambda: self.saw.categories.remove(self.empty),
        ]
        for write in writes:
            before = selectors.catalogue_version().version
            write()
            version = selectors.catalogue_version()
            self.assertGreater(version.version, before)
            self.assertEqual(version.product_count, Product.objects.count())
            self.assertEqual(version.active_product_count, Product.objects.active().count())


class ServiceTests(CatalogueTestCase):
    def test_price_change_is_recorded_by_the_signal(self) -> None:
        services.product_update(product=self.hammer, data={"price": Decimal("12.00")}, partial=True)
        change = PriceChange.objects.get(product=self.hammer)
        self.assertEqual((change.old_price, change.new_price), (Decimal("10.00"), Decimal("12.00")))

    def test_same_price_or_other_fields_record_nothing(self) -> None:
        services.product_update(product=self.hammer, data={"price": Decimal("10")}, partial=True)
        services.product_update(product=self.hammer, data={"name": "Mallet"}, partial=True)
        self.assertFalse(PriceChange.objects.exists())

    def test_put_resets_omitted_fields_to_defaults(self) -> None:
        data = {"name": "Hammer", "price": Decimal("10.00")}
        product = services.product_update(product=self.hammer, data=data, partial=False)
        self.assertEqual((product.stock, product.description), (0, ""))
        self.assertEqual(list(product.categories.all()), [])

    def test_reserve_beyond_stock_conflicts_and_changes_nothing(self) -> None:
        with self.assertRaises(Conflict) as failure:
            services.product_reserve(product=self.hammer, quantity=6)
        self.assertEqual(failure.exception.code, "insufficient_stock")
        self.hammer.refresh_from_db()
        self.assertEqual(self.hammer.stock, 5)
        self.assertEqual(services.product_reserve(product=self.hammer, quantity=5), 0)

    def test_category_in_use_cannot_be_deleted(self) -> None:
        with self.assertRaises(Conflict):
            services.category_delete(category=self.tools)
        services.category_delete(category=self.empty)
        self.assertFalse(Category.objects.filter(slug="empty").exists())

    def test_duplicate_review_is_a_conflict(self) -> None:
        with self.assertRaises(Conflict) as failure:
            services.review_create(product=self.hammer, author=self.ann, data={"rating": 3})
        self.assertEqual(failure.exception.code, "already_reviewed")


class StatsSummaryTests(CatalogueTestCase):
    """The kept stats (catalogue.summary) equal a full recompute after every kind of write."""

    def assertKeptIsRecomputed(self) -> None:
        kept = selectors.catalogue_stats(version=selectors.catalogue_version())
        recomputed = selectors.catalogue_stats_recomputed()
        self.assertEqual(kept.figures, recomputed.figures)
        self.assertEqual(kept.last_changed, recomputed.last_changed)

    def totals(self) -> dict[str, Any]:
        return selectors.catalogue_stats(version=selectors.catalogue_version()).figures["totals"]

    def create(self, sku: str, price: str, *categories: Category, **fields: Any) -> Product:
        data = {"sku": sku, "name": sku, "price": Decimal(price), "categories": list(categories)}
        return services.product_create(data={**data, **fields})

    def test_each_kind_of_write_keeps_the_summary_exact(self) -> None:
        cheap = self.create("D-4", "1.50", self.tools, self.empty, stock=3)
        self.assertKeptIsRecomputed()
        self.assertEqual(self.totals()["min_price"], "1.50")
        pricey = self.create("E-5", "500.00", self.tools, stock=1)
        loose = self.create("F-6", "7.00")  # in no category: the totals only
        writes = [
            # the minimum leaves: its price rises, then its product is deactivated
            lambda: services.product_update(
                product=cheap, data={"price": Decimal("20.00")}, partial=True
            ),
            lambda: services.product_update(product=cheap, data={"is_active": False}, partial=True),
            lambda: services.product_update(product=cheap, data={"is_active": True}, partial=True),
            # the maximum leaves: its price falls below another's
            lambda: services.product_update(
                product=pricey, data={"price": Decimal("9.00")}, partial=True
            ),
            # moved from one category to the other, then out of every category (PUT)
            lambda: services.product_update(
                product=self.hammer, data={"categories": [self.empty]}, partial=True
            ),
            lambda: services.product_update(
                product=self.hammer,
                data={"name": "Hammer", "price": Decimal("10.00"), "stock": 4},
                partial=False,
            ),
            lambda: services.product_update(product=loose, data={"name": "Loose"}, partial=True),
            lambda: services.product_reserve(product=cheap, quantity=2),
            lambda: services.product_reserve(product=self.drill, quantity=1),  # inactive
            lambda: services.product_delete(product=pricey),
            lambda: services.product_delete(product=self.drill),
            lambda: services.category_create(slug="new", name="New"),
            lambda: services.category_delete(category=Category.objects.get(slug="new")),
            lambda: services.products_deactivate(products=Product.objects.all()),
        ]
        for number, write in enumerate(writes):
            with self.subTest(write=number):
                write()
                self.assertKeptIsRecomputed()

    def test_the_newest_stamp_is_looked_for_again_when_its_product_leaves(self) -> None:
        newest = self.create("G-7", "3.00", self.tools)
        self.assertEqual(selectors.catalogue_stats_recomputed().last_changed, newest.updated_at)
        services.product_delete(product=newest)
        self.assertKeptIsRecomputed()

    def test_a_reservation_moves_stock_and_inventory_only(self) -> None:
        before = self.totals()
        self.assertEqual(services.product_reserve(product=self.hammer, quantity=2), 3)
        after = self.totals()
        self.assertEqual(after["stock_total"], before["stock_total"] - 2)
        self.assertEqual(after["min_price"], before["min_price"])
        self.assertKeptIsRecomputed()

    def test_reading_the_stats_is_one_query_beside_the_version(self) -> None:
        version = selectors.catalogue_version()
        with self.assertNumQueries(1):
            selectors.catalogue_stats(version=version)
        with self.assertNumQueries(2):  # the version row, then the categories with theirs
            self.assertEqual(self.client.get("/api/stats").status_code, 200)

    def test_rebuild_repairs_what_went_around_the_services(self) -> None:
        Product.objects.filter(pk=self.hammer.pk).update(price=Decimal("1.00"))
        kept = selectors.catalogue_stats(version=selectors.catalogue_version())
        self.assertNotEqual(kept.figures, selectors.catalogue_stats_recomputed().figures)
        services.stats_rebuild()
        self.assertKeptIsRecomputed()


class AdminStatsTests(CatalogueTestCase):
    """The admin writes products through the same upkeep as the API."""

    def setUp(self) -> None:
        admin = User.objects.create_superuser("root", password="x")
        self.client.force_login(admin)

    def assertKeptIsRecomputed(self) -> None:
        kept = selectors.catalogue_stats(version=selectors.catalogue_version())
        self.assertEqual(kept, selectors.catalogue_stats_recomputed())

    def test_change_delete_and_deactivate(self) -> None:
        form = {
            "sku": "B-2",
            "name": "Hammer",
            "description": "",
            "price": "0.50",
            "stock": "9",
            "is_active": "on",
            "categories": [str(self.empty.pk)],
            "reviews-TOTAL_FORMS": "0",
            "reviews-INITIAL_FORMS": "0",
        }
        url = f"/admin/catalogue/product/{self.hammer.pk}/change/"
        self.assertEqual(self.client.post(url, form).status_code, 302)
        self.hammer.refresh_from_db()
        self.assertEqual(
            (self.hammer.price, list(self.hammer.categories.all())), (Decimal("0.50"), [self.empty])
        )
        self.assertKeptIsRecomputed()
        action = {"action": "delete_selected", "_selected_action": [self.saw.pk], "post": "yes"}
        self.assertEqual(self.client.post("/admin/catalogue/product/", action).status_code, 302)
        self.assertFalse(Product.objects.filter(pk=self.saw.pk).exists())
        self.assertKeptIsRecomputed()
        action = {"action": "deactivate", "_selected_action": [self.hammer.pk]}
        self.assertEqual(self.client.post("/admin/catalogue/product/", action).status_code, 302)
        self.assertKeptIsRecomputed()
        category = {"slug": "added", "name": "Added", "description": ""}
        self.assertEqual(
            self.client.post("/admin/catalogue/category/add/", category).status_code, 302
        )
        self.assertTrue(Category.objects.get(slug="added").stats)


class EditorTests(CatalogueTestCase):
    """The `editors` group (data migration 0006), `grant_editor`, and staff beside it."""

    def grant(self, username: str) -> str:
        out = StringIO()
        call_command("grant_editor", username, stdout=out)
        return out.getvalue()

    def test_the_group_may_add_and_change_products_and_categories_only(self) -> None:
        codenames = Group.objects.get(name="editors").permissions.values_list(
            "content_type__app_label", "codename"
        )
        self.assertEqual(
            sorted(codenames),
            [
                ("catalogue", "add_category"),
                ("catalogue", "add_product"),
                ("catalogue", "change_category"),
                ("catalogue", "change_product"),
            ],
        )

    def test_the_admin_lists_the_group_and_its_permissions(self) -> None:
        self.client.force_login(User.objects.create_superuser("root", password="x"))
        self.assertContains(self.client.get("/admin/auth/group/"), ">editors</a>")
        editors = Group.objects.get(name="editors")
        page = self.client.get(f"/admin/auth/group/{editors.pk}/change/")
        self.assertContains(page, "Can change product")
        self.assertContains(page, "Can add category")

    def test_granting_is_idempotent(self) -> None:
        self.assertEqual(self.grant("ann"), "ann is now an editor.\n")
        self.assertEqual(self.grant("ann"), "ann is already an editor.\n")
        ann = User.objects.get(pk=self.ann.pk)  # a fresh instance: no cached permissions
        self.assertEqual(list(ann.groups.values_list("name", flat=True)), ["editors"])
        self.assertTrue(ann.has_perms(["catalogue.add_product", "catalogue.change_category"]))
        self.assertFalse(ann.has_perm("catalogue.delete_product"))

    def test_an_unknown_user_is_a_command_error(self) -> None:
        # manage.py prints a CommandError as one line on stderr and exits 1, no traceback.
        with self.assertRaisesMessage(CommandError, "No user named 'nobody'."):
            self.grant("nobody")

    def test_an_editor_changes_but_does_not_delete(self) -> None:
        services.editor_grant(user=self.ann)
        auth = {"Authorization": f"Token {services.token_issue(user=self.ann)}"}
        url = "/api/categories/empty"
        patched = self.client.patch(url, {"name": "Bare"}, content_type="application/json",
                                    headers=auth)  # fmt: skip
        self.assertEqual(patched.status_code, 200)
        deleted = self.client.delete(url, headers=auth)
        self.assertEqual(deleted.status_code, 403)
        self.assertEqual(deleted.json()["error"]["code"], "permission_denied")
        self.assertTrue(Category.objects.filter(slug="empty").exists())

    def test_staff_delete_without_model_permissions(self) -> None:
        # `staff` is no superuser and holds no permission: is_staff alone lets it do everything.
        auth = {"Authorization": f"Token {services.token_issue(user=self.staff)}"}
        self.assertEqual(self.client.delete("/api/categories/empty", headers=auth).status_code, 204)


class ProfileTests(TestCase):
    """Every user gets its profile from the post_save receiver, however it is created."""

    def profiles(self) -> dict[str, tuple[str, Any]]:
        rows = Profile.objects.values_list("user__username", "display_name", "birth_date")
        return {username: (name, birth_date) for username, name, birth_date in rows}

    def test_the_service_createsuperuser_and_the_admin_give_a_profile(self) -> None:
        services.user_register(username="erin", email="e@example.com", password="erin-pass-1")
        call_command(
            "createsuperuser", "--noinput", username="root", email="r@example.com", verbosity=0
        )
        self.client.force_login(User.objects.get(username="root"))
        form = {"username": "added", "password1": "added-pass-26", "password2": "added-pass-26"}
        response = self.client.post("/admin/auth/user/add/", form)
        self.assertEqual(response.status_code, 302)
        empty = ("", None)
        self.assertEqual(self.profiles(), {"erin": empty, "root": empty, "added": empty})
        # The change page, where the admin lands next, edits it inline.
        added = User.objects.get(username="added")
        page = self.client.get(f"/admin/auth/user/{added.pk}/change/")
        self.assertContains(page, 'name="profile-0-display_name"')

    def test_the_seed_gives_a_profile_and_its_flush_empties_them(self) -> None:
        call_command("seed_catalogue", verbosity=0)
        Profile.objects.filter(user__username="alice").update(display_name="Alice")
        call_command("seed_catalogue", "--flush", verbosity=0)
        self.assertEqual(len(self.profiles()), User.objects.count())
        self.assertEqual(set(self.profiles().values()), {("", None)})

    def test_saving_a_user_again_writes_no_profile(self) -> None:
        user = User.objects.create_user("ann", password="x")
        user.email = "ann@example.com"
        with self.assertNumQueries(1):  # the UPDATE of the user, nothing for its profile
            user.save()

    def test_deleting_a_user_deletes_its_profile(self) -> None:
        User.objects.create_user("ann", password="x").delete()
        self.assertFalse(Profile.objects.exists())


class ProfileMigrationTests(TransactionTestCase):
    """0007_profile gives the users already there a profile: no receiver runs in a migration."""

    def test_users_from_before_profiles_get_one(self) -> None:
        before = [("catalogue", "0006_editors_group")]
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old_user = executor.loader.project_state(before).apps.get_model("auth", "User")
        old_user.objects.create(username="old", password="x")
        executor = MigrationExecutor(connection)  # the graph again, as `migrate` reads it
        executor.migrate(executor.loader.graph.leaf_nodes())  # 0007_profile and any after it
        profile = Profile.objects.get(user__username="old")
        self.assertEqual((profile.display_name, profile.birth_date), ("", None))


# Two requests through the real WSGI handler, which (unlike the test Client) runs
# close_old_connections at the start and end of each request, as under gunicorn.
CONNECTION_PROBE = """
import json, wsgiref.util
from config.wsgi import application
from django.db import connection

def get(path):
    environ = {}
    wsgiref.util.setup_testing_defaults(environ)
    environ["PATH_INFO"] = path
    statuses = []
    response = application(environ, lambda status, headers: statuses.append(status))
    b"".join(response)
    response.close()
    return statuses[0], connection.connection

(first, raw), (second, again) = get("/api/health"), get("/api/health")
print(json.dumps({
    "statuses": [first, second],
    "reused": raw is not None and raw is again,
    "health_checks": connection.settings_dict["CONN_HEALTH_CHECKS"],
}))
"""


class ConnectionReuseTests(SimpleTestCase):
    def test_a_worker_keeps_its_sqlite_connection_between_requests(self) -> None:
        """Opening SQLite (and its PRAGMAs) per request was most of a health check's time."""
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/reuse.sqlite3"}
            done = subprocess.run(
                [sys.executable, "-c", CONNECTION_PROBE],
                cwd=Path(__file__).resolve().parent.parent,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
        probe = json.loads(done.stdout.strip().splitlines()[-1])
        self.assertEqual(probe["statuses"], ["200 OK", "200 OK"])
        self.assertTrue(probe["reused"])
        # No health check per request: on PostgreSQL each was one more round trip.
        self.assertFalse(probe["health_checks"])


class CorsSettingsTests(SimpleTestCase):
    def test_a_malformed_origin_fails_the_system_check(self) -> None:
        """django-cors-headers' checks refuse what would silently match nothing (Flask's
        config.origins_from_env raises for the same)."""
        for origin, code in [("front.example", "E013"), ("https://front.example/", "E014")]:
            done = subprocess.run(
                [sys.executable, "manage.py", "check"],
                cwd=Path(__file__).resolve().parent.parent,
                env={**os.environ, "CORS_ALLOWED_ORIGINS": origin},
                capture_output=True,
                text=True,
            )
            self.assertNotEqual(done.returncode, 0, origin)
            self.assertIn(f"corsheaders.{code}", done.stderr)


class LoginThrottleTests(TestCase):
    """The failed-login throttle on the database cache (the embedded default's CACHES)."""

    @classmethod
    def setUpTestData(cls) -> None:
        User.objects.create_user("erin", password="right-pass-1")

    def setUp(self) -> None:
        from django.core.cache import cache

        cache.clear()

    def token(self, password: str) -> int:
        body = {"username": "erin", "password": password}
        response = self.client.post("/api/auth/token", body, content_type="application/json")
        return response.status_code

    def page(self, password: str) -> int:
        return self.client.post("/login", {"username": "erin", "password": password}).status_code

    def test_the_cache_is_shared_by_default_and_its_table_exists(self) -> None:
        from django.conf import settings
        from django.core.cache import caches
        from django.core.cache.backends.db import DatabaseCache
        from django.core.cache.backends.redis import RedisCache

        cache = caches["default"]
        self.assertIsInstance(cache, RedisCache if settings.REDIS_URL else DatabaseCache)
        cache.set("probe", 1)  # the table exists: createcachetable ran with migrate
        self.assertEqual(cache.get("probe"), 1)

    def test_a_right_password_gives_back_its_slot_but_not_the_failures(self) -> None:
        statuses = [self.token("wrong") for _ in range(4)] + [self.token("right-pass-1")]
        self.assertEqual(statuses, [401, 401, 401, 401, 200])
        self.assertEqual(self.token("wrong"), 401)  # the fifth failure
        self.assertEqual(self.token("right-pass-1"), 429)

    def test_a_body_without_a_password_is_not_a_failure(self) -> None:
        for _ in range(6):
            response = self.client.post(
                "/api/auth/token", {"username": "erin"}, content_type="application/json"
            )
            self.assertEqual(response.status_code, 422)
        self.assertEqual(self.token("right-pass-1"), 200)

    def test_the_page_and_the_api_share_one_counter(self) -> None:
        statuses = [self.page("wrong") for _ in range(3)] + [self.token("wrong") for _ in range(2)]
        self.assertEqual(statuses, [200, 200, 200, 401, 401])
        response = self.client.post("/login", {"username": "erin", "password": "right-pass-1"})
        self.assertEqual(response.status_code, 429)
        self.assertGreaterEqual(int(response["Retry-After"]), 1)
        self.assertContains(response, "Too many failed sign-ins", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(self.token("right-pass-1"), 429)


class LanguageTests(TestCase):
    """The pages' language (PageLocaleMiddleware) never reaches the API."""

    def test_the_api_is_english_after_a_french_page_on_the_same_thread(self) -> None:
        page = self.client.get("/login", headers={"Accept-Language": "fr"})
        self.assertEqual(page["Content-Language"], "fr")
        self.assertContains(page, '<html lang="fr">')
        # A thread keeps the language it last activated; the API's request resets it.
        response = self.client.post("/api/auth/register", {}, content_type="application/json")
        self.assertEqual(response.status_code, 422)
        self.assertIn("This field is required.", response.json()["error"]["fields"]["username"])
        self.assertNotIn("Content-Language", response)
