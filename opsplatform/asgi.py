"""ASGI entry point: HTTP through Django, websockets through channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsplatform.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from opsplatform.files.asgi import RequestBodyLimit  # noqa: E402
from opsplatform.realtime.origin import SameHostOriginValidator  # noqa: E402
from opsplatform.realtime.routing import websocket_urlpatterns  # noqa: E402
from opsplatform.realtime.tenancy import TenantWebsocketMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Whole-body cap before Django spools anything (per-field limits: files/uploads.py).
        "http": RequestBodyLimit(django_asgi_app),
        "websocket": SameHostOriginValidator(
            AuthMiddlewareStack(TenantWebsocketMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
