"""A person's own language wins over the browser's; the company's default comes next.

Order: the language cookie (set by the switch in the header) → the user's saved
language → the company's default language → what LocaleMiddleware found in
Accept-Language.
"""

from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = None
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.language:
                language = user.language
            elif getattr(request, "tenant", None) is not None:
                language = request.tenant.default_language
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
