from django.urls import path

from opsplatform.realtime.consumers import WorkspaceConsumer

websocket_urlpatterns = [
    path("ws/workspace/", WorkspaceConsumer.as_asgi()),
]
