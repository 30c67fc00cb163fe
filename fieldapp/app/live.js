// Live notifications. While the phone is online and signed in, one WebSocket to /graphql/ (graphql-ws, protocol
// graphql-transport-ws) subscribes to `notificationReceived`. The bearer token goes in `connection_init`: no
// cookie is involved. Each notification that arrives is handed to the page, which keeps it with the bundle's
// notices, so it is there offline too. Every time the connection (re)opens the page fetches the latest notices
// once, so none sent while the socket was down is missed. Offline or signed out, the socket is closed.
// `document.body.dataset.live` says where it stands: "connecting", "subscribed" or "off".
import { createClient } from "./vendor/graphql-ws/client.js";
import { operationDocument } from "./outbox.js";

const RESUBSCRIBE_MS = 3000; // after the server ended the subscription (it lost its channel layer, say)
const FORBIDDEN = 4403; // the server refused the token: the session expired or was signed out elsewhere

let current = null; // { client, token }

function setState(state) {
  document.body.dataset.live = state;
  window.dispatchEvent(new CustomEvent("live-state", { detail: state }));
}

/** Opens the connection for this token (a second call with the same token does nothing). */
export async function startLive(token, { onNotice, onConnected, onForbidden }) {
  if (current?.token === token) return;
  stopLive();
  const me = { token, client: null };
  current = me;
  setState("connecting");
  const query = await operationDocument("NotificationReceived");
  if (current !== me) return; // stopped or restarted meanwhile
  me.client = createClient({
    url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql/`,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    keepAlive: 20_000, // a ping every 20 s: a dead line (a proxy, a sleeping radio) is noticed and reopened
    retryAttempts: Infinity,
    shouldRetry: (event) => event?.code !== FORBIDDEN,
    onNonLazyError: () => {}, // told through `closed` below
    on: {
      connected: () => {
        if (current !== me) return;
        setState("subscribed");
        onConnected();
      },
      closed: (event) => {
        if (current !== me) return;
        setState("off");
        if (event?.code === FORBIDDEN) {
          stopLive();
          onForbidden();
        }
      },
    },
  });
  const subscribe = () => me.client.subscribe({ query, operationName: "NotificationReceived" }, {
    next: ({ data }) => { if (current === me && data?.notificationReceived) onNotice(data.notificationReceived); },
    // The server ended it (EVENTS_INTERRUPTED): subscribe again, and fetch what may have been missed.
    error: () => setTimeout(() => { if (current === me) { onConnected(); subscribe(); } }, RESUBSCRIBE_MS),
    complete: () => {},
  });
  subscribe();
}

export function stopLive() {
  const me = current;
  current = null;
  me?.client?.dispose();
  setState("off");
}
