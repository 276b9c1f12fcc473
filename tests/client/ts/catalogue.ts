// Every operation of the served spec through openapi-fetch, typed by openapi-typescript.
//
// test_typescript_client.py generates ./schema.d.ts from a live target's
// /api/openapi.json, type-checks this file against it with tsc, and runs it with
// node: BASE_URL, ADMIN_PASSWORD and USER_PASSWORD (alice's) come from the
// environment. Each call records its operation, the spec link it follows (when it
// uses a value from an earlier answer) and whether the answer was the one expected;
// the report goes to stdout as one JSON line. Nothing here is cast to `any`: a spec
// change that breaks a call or a field read breaks the type check.

import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Schemas = components["schemas"];

interface Case {
  operation: string;
  link: string | null;
  status: number;
  expected: number;
  problem: string | null;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const client = createClient<paths>({ baseUrl: env("BASE_URL") });
const cases: Case[] = [];
const token = (key: string) => ({ Authorization: `Token ${key}` });

/** Record one answer; `check` says what is wrong with its body, if anything. */
function record(
  operation: string,
  response: Response,
  expected: number,
  check: () => string | null = () => null,
  link: string | null = null,
): void {
  let problem = response.status === expected ? check() : `status ${response.status}`;
  if (!response.headers.get("x-request-id")) problem = problem ?? "no X-Request-ID";
  cases.push({ operation, link, status: response.status, expected, problem });
}

function errorCode(error: Schemas["Error"] | Schemas["ValidationErrorEnvelope"] | undefined): string {
  return error?.error.code ?? "none";
}

async function main(): Promise<void> {
  const stamp = Date.now().toString(36);

  // meta
  const health = await client.GET("/api/health");
  record("health", health.response, 200, () => (health.data?.status === "ok" ? null : "not ok"));
  const spec = await client.GET("/api/openapi.json");
  record("openapi", spec.response, 200, () => (spec.data?.openapi === "3.1.0" ? null : "no 3.1.0"));

  // auth: a new account signs in with the password it registered with (link SignIn)
  const password = "correct horse battery";
  const registered = await client.POST("/api/auth/register", {
    body: { username: `ts-${stamp}`, email: `ts-${stamp}@Example.COM`, password },
  });
  record("register", registered.response, 201, () =>
    registered.data?.email === `ts-${stamp}@example.com` ? null : "domain not lower-cased",
  );
  const newcomer = await client.POST("/api/auth/token", {
    body: { username: registered.data?.username ?? "", password },
  });
  record("tokenCreate", newcomer.response, 200, () => (newcomer.data?.user.is_staff === false ? null : "staff?"), "register.SignIn");
  const admin = await client.POST("/api/auth/token", {
    body: { username: "admin", password: env("ADMIN_PASSWORD") },
  });
  record("tokenCreate", admin.response, 200);
  const alice = await client.POST("/api/auth/token", {
    body: { username: "alice", password: env("USER_PASSWORD") },
  });
  record("tokenCreate", alice.response, 200);
  const wrong = await client.POST("/api/auth/token", { body: { username: "alice", password: "not-hers-2026" } });
  record("tokenCreate", wrong.response, 401, () =>
    errorCode(wrong.error) === "invalid_credentials" ? null : errorCode(wrong.error),
  );
  const staff = token(admin.data?.token ?? "");
  const user = token(alice.data?.token ?? "");
  const newcomerKey = token(newcomer.data?.token ?? "");
  const me = await client.GET("/api/auth/me", { headers: newcomerKey });
  record("me", me.response, 200, () => (me.data?.username === `ts-${stamp}` ? null : "someone else"), "tokenCreate.Me");
  const named = await client.PATCH("/api/auth/me", {
    headers: newcomerKey,
    body: { display_name: "Newcomer", birth_date: null },
  });
  record("meUpdate", named.response, 200, () =>
    named.data?.profile.display_name === "Newcomer" && named.data.profile.birth_date === null
      ? null
      : "profile unchanged",
  );

  // categories
  const slug = `ts-${stamp}`;
  const categories = await client.GET("/api/categories", { params: { query: { page_size: 100 } } });
  record("categoryList", categories.response, 200, () =>
    (categories.data?.results.length ?? 0) >= 8 ? null : "too few",
  );
  const html = await client.GET("/api/categories", { headers: { Accept: "text/html" } });
  record("categoryList", html.response, 406, () =>
    errorCode(html.error) === "not_acceptable" ? null : errorCode(html.error),
  );
  const created = await client.POST("/api/categories", {
    body: { slug, name: "TypeScript", description: "Made by the generated client." },
    headers: staff,
  });
  record("categoryCreate", created.response, 201, () =>
    created.response.headers.get("location") === `/api/categories/${slug}` ? null : "Location",
  );
  const anonymousCreate = await client.POST("/api/categories", { body: { slug: `${slug}-x`, name: "X" } });
  record("categoryCreate", anonymousCreate.response, 401);
  const category = await client.GET("/api/categories/{slug}", {
    params: { path: { slug: created.data?.slug ?? slug } },
  });
  record("categoryGet", category.response, 200, () => (category.data?.product_count === 0 ? null : "count"), "categoryCreate.GetCategory");
  const renamed = await client.PATCH("/api/categories/{slug}", {
    params: { path: { slug } },
    body: { name: "TypeScript client" },
    headers: staff,
  });
  record("categoryUpdate", renamed.response, 200, () => (renamed.data?.name === "TypeScript client" ? null : "name"), "categoryCreate.UpdateCategory");

  // products: one in the new category (link CreateProductInCategory), then every operation on it
  const sku = `TS-${stamp.toUpperCase()}`;
  const product = await client.POST("/api/products", {
    body: { sku, name: "Typed lamp", price: "19.90", stock: 10, categories: [slug] },
    headers: staff,
  });
  const made: Schemas["Product"] | undefined = product.data;
  record("productCreate", product.response, 201, () =>
    made?.price === "19.90" && made.rating.average === null ? null : "fields",
    "categoryCreate.CreateProductInCategory",
  );
  const unknownCategory = await client.POST("/api/products", {
    body: { sku: `${sku}-U`, name: "Nowhere", price: "1.00", categories: ["no-such-category"] },
    headers: staff,
  });
  record("productCreate", unknownCategory.response, 422, () =>
    unknownCategory.error && "fields" in unknownCategory.error.error &&
    Object.keys(unknownCategory.error.error.fields ?? {}).join() === "categories" ? null : "fields",
  );
  const path = { sku: made?.sku ?? sku };
  const listed = await client.GET("/api/products", {
    params: { query: { category: slug } },
  });
  // The 200 has three media types, so `data` is the JSON page or CSV/text: narrow it.
  const page = typeof listed.data === "object" ? listed.data : undefined;
  record("productList", listed.response, 200, () =>
    page?.results.map((p) => p.sku).join() === sku ? null : "not listed", "categoryCreate.ListProductsInCategory",
  );
  const csv = await client.GET("/api/products", {
    params: { query: { search: sku } },
    headers: { Accept: "text/csv" },
    parseAs: "text",
  });
  record("productList", csv.response, 200, () =>
    typeof csv.data === "string" && csv.data.startsWith("sku,name,price") ? null : "not CSV",
  );
  const got = await client.GET("/api/products/{sku}", { params: { path } });
  record("productGet", got.response, 200, () => (got.data?.categories.join() === slug ? null : "categories"), "productCreate.GetProduct");
  const etag = got.response.headers.get("etag") ?? "";
  const notModified = await client.GET("/api/products/{sku}", {
    params: { path, header: { "If-None-Match": etag } },
  });
  record("productGet", notModified.response, 304);
  const missing = await client.GET("/api/products/{sku}", { params: { path: { sku: "NO-SUCH-SKU" } } });
  record("productGet", missing.response, 404, () =>
    errorCode(missing.error) === "not_found" ? null : errorCode(missing.error),
  );
  const replaced = await client.PUT("/api/products/{sku}", {
    params: { path },
    body: { name: "Typed lamp, replaced", price: "24.50", categories: got.data?.categories ?? [] },
    headers: staff,
  });
  record("productReplace", replaced.response, 200, () =>
    replaced.data?.stock === 0 && replaced.data.price === "24.50" ? null : "defaults",
    "productCreate.ReplaceProduct",
  );
  const updated = await client.PATCH("/api/products/{sku}", {
    params: { path },
    body: { price: 21.5, stock: 10 },
    headers: staff,
  });
  record("productUpdate", updated.response, 200, () => (updated.data?.price === "21.50" ? null : "price"), "productCreate.UpdateProduct");
  const history = await client.GET("/api/products/{sku}/price-history", { params: { path } });
  record("priceHistory", history.response, 200, () =>
    history.data?.results.map((c) => c.new_price).join() === "21.50,24.50" ? null : "history",
    "productUpdate.GetPriceHistory",
  );
  const reserved = await client.POST("/api/products/{sku}/reserve", {
    params: { path },
    body: { quantity: 3 },
    headers: user,
  });
  record("productReserve", reserved.response, 200, () => (reserved.data?.stock === 7 ? null : "stock"), "productCreate.ReserveProduct");
  const oversold = await client.POST("/api/products/{sku}/reserve", {
    params: { path: { sku: reserved.data?.sku ?? sku } },
    body: { quantity: 8 },
    headers: user,
  });
  record("productReserve", oversold.response, 409, () =>
    errorCode(oversold.error) === "insufficient_stock" ? null : errorCode(oversold.error),
    "productReserve.ReserveAgain",
  );

  // reviews
  const review = await client.POST("/api/products/{sku}/reviews", {
    params: { path },
    body: { rating: 5, title: "Typed", body: "Every field checked by tsc." },
    headers: user,
  });
  record("reviewCreate", review.response, 201, () => (review.data?.author === "alice" ? null : "author"), "productCreate.CreateReview");
  const again = await client.POST("/api/products/{sku}/reviews", { params: { path }, body: { rating: 1 }, headers: user });
  record("reviewCreate", again.response, 409);
  const reviews = await client.GET("/api/products/{sku}/reviews", {
    params: { path: { sku: review.data?.product ?? sku } },
  });
  record("reviewList", reviews.response, 200, () => (reviews.data?.count === 1 ? null : "count"), "reviewCreate.ListReviews");
  const reviewPath = { sku: review.data?.product ?? sku, review_id: review.data?.id ?? "" };
  const notYours = await client.PATCH("/api/products/{sku}/reviews/{review_id}", {
    params: { path: reviewPath },
    body: { rating: 1 },
    headers: newcomerKey,
  });
  record("reviewUpdate", notYours.response, 403);
  const changed = await client.PATCH("/api/products/{sku}/reviews/{review_id}", {
    params: { path: reviewPath },
    body: { rating: 4 },
    headers: user,
  });
  record("reviewUpdate", changed.response, 200, () => (changed.data?.rating === 4 ? null : "rating"), "reviewCreate.UpdateReview");
  const rated = await client.GET("/api/products/{sku}", { params: { path } });
  record("productGet", rated.response, 200, () => (rated.data?.rating.average === "4.00" ? null : "average"), "reviewCreate.GetReviewedProduct");
  const unreviewed = await client.DELETE("/api/products/{sku}/reviews/{review_id}", {
    params: { path: { sku: changed.data?.product ?? sku, review_id: changed.data?.id ?? "" } },
    headers: user,
  });
  record("reviewDelete", unreviewed.response, 204, () => null, "reviewUpdate.DeleteReview");

  // stats, then clean up what was made
  const stats = await client.GET("/api/stats");
  record("stats", stats.response, 200, () =>
    stats.data?.categories.some((c) => c.slug === slug && c.product_count === 1) ? null : "category",
  );
  const inUse = await client.DELETE("/api/categories/{slug}", { params: { path: { slug } }, headers: staff });
  record("categoryDelete", inUse.response, 409, () =>
    errorCode(inUse.error) === "category_in_use" ? null : errorCode(inUse.error),
  );
  const deleted = await client.DELETE("/api/products/{sku}", { params: { path }, headers: staff });
  record("productDelete", deleted.response, 204, () => null, "productCreate.DeleteProduct");
  const gone = await client.GET("/api/products/{sku}", { params: { path } });
  record("productGet", gone.response, 404);
  const emptied = await client.DELETE("/api/categories/{slug}", { params: { path: { slug } }, headers: staff });
  record("categoryDelete", emptied.response, 204, () => null, "categoryCreate.DeleteCategory");

  // revocation: the newcomer's token stops working (link Revoke)
  const revoked = await client.DELETE("/api/auth/token", { headers: newcomerKey });
  record("tokenRevoke", revoked.response, 204, () => null, "tokenCreate.Revoke");
  const after = await client.GET("/api/auth/me", { headers: newcomerKey });
  record("me", after.response, 401, () =>
    after.response.headers.get("www-authenticate") === "Token" ? null : "WWW-Authenticate",
  );

  process.stdout.write(`${JSON.stringify({ cases })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
