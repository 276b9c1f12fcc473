"""Helpers every suite shares; import each from the module that holds it."""

# paths    REPO, SPEC (shared_spec/openapi.yaml), FIXTURE_PATH (the fixture catalogue)
# fixture  FIXTURE loaded once, PASSWORDS, ACTIVE_SKU, inactive_product(), reviews_of()
# auth     TOKEN_PATH, credentials(), request_token() / token_for() over the client given,
#          auth_header()
# pages    CSRF_INPUT, csrf_field() of a page's HTML, hidden_fields() of a form
# headers  REQUEST_ID, SERVER_TIMING, WEAK_ETAG, HTTP_DATE, SECURITY_HEADERS (CONTRACT.md)
#
# Nothing here imports an app or starts a server: the client is always an argument
# (an in-process or live httpx.Client, the contract suite's Api, ...).
