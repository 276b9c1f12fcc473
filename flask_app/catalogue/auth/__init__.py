"""Auth for the API: tokens, permissions, the failed-login throttle and the `auth` views."""
