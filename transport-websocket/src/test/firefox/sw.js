// The service worker of FirefoxWebPushIT's page: reports each push event's data (as text, null when the message
// had none) to the test's server, and anything else worth knowing to its log.
'use strict';
const post = (path, body) => fetch(path, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('push', (event) => {
  event.waitUntil(post('/push', { data: event.data ? event.data.text() : null }));
});
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(post('/log', { line: 'sw: pushsubscriptionchange' }));
});
