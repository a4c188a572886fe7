// The app server of FirefoxWebPushIT: sends one Web Push message with the npm package web-push, exactly as an
// application would, and prints the push service's answer as one line of JSON on stdout.
//
// Reads one JSON request on stdin:
//   {"subscription": <PushSubscription.toJSON()>, "payload": "text" | null, "ttl": 60,
//    "vapid": {"subject": "mailto:...", "publicKey": "...", "privateKey": "..."} | null}
// and prints {"statusCode": 201, "headers": {...}, "body": "..."}: the answer, whatever its status (web-push
// rejects non-2xx answers with a WebPushError, which carries the same three), or {"error": "..."} when no answer
// came (web-push refused the request, or the connection failed). Without "vapid" no Authorization is sent.
//
// web-push always sends with node's https module, and the push server under test listens on plain http on
// 127.0.0.1; the agent below is an https.Agent (web-push accepts no other) whose connections are plain TCP.
import https from 'node:https';
import net from 'node:net';
import webPush from 'web-push';

class PlainAgent extends https.Agent {
  createConnection(options, callback) {
    const socket = net.createConnection({ host: options.host, port: options.port });
    if (callback) {
      socket.once('connect', () => callback(null, socket));
      socket.once('error', callback);
      return undefined;
    }
    return socket;
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);

const options = { TTL: request.ttl, contentEncoding: 'aes128gcm', timeout: 10000 };
if (request.vapid) {
  options.vapidDetails = request.vapid;
}
if (new URL(request.subscription.endpoint).protocol === 'http:') {
  options.agent = new PlainAgent();
}

let answer;
try {
  const sent = await webPush.sendNotification(request.subscription, request.payload ?? null, options);
  answer = { statusCode: sent.statusCode, headers: sent.headers, body: sent.body };
} catch (error) {
  answer = error instanceof webPush.WebPushError
    ? { statusCode: error.statusCode, headers: error.headers, body: error.body }
    : { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
process.stdout.write(JSON.stringify(answer) + '\n');
