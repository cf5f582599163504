"""Signing in and staying safe while signed in, on both hosts.

- ``throttle``: login throttling (django-axes, cache handler) and its lockout page;
- ``passwords``: password reset by email and the throttled password forms;
- ``two_factor``: TOTP enrolment, the code step after the password, and who must use it;
- ``sessions``: idle timeout and absolute lifetime of a session;
- ``audit``: history rows for password, staff-flag and permission changes.

docs/security-auth.md says what each promises and which test proves it.
"""
