from django.urls import path

from backend.api.websocket import GraphQLWebSocketConsumer

websocket_urlpatterns = [
    path("graphql/", GraphQLWebSocketConsumer.as_asgi()),
]
