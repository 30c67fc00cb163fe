"""WebSocket routes: the GraphQL consumer, handed the project schema and how a phone's bearer token signs in."""

from django.urls import path

from apikit.websocket import GraphQLWebSocketConsumer
from backend.schema import schema
from mobile_api.services import device_for_token

graphql_websocket = GraphQLWebSocketConsumer.as_asgi(schema=schema, authenticate=device_for_token)

websocket_urlpatterns = [
    path("graphql/", graphql_websocket),
]
