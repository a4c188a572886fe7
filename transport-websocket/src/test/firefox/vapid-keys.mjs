// Prints a fresh VAPID key pair from web-push as one line of JSON: {"publicKey": "...", "privateKey": "..."}
// (base64url, the public key an uncompressed P-256 point). FirefoxWebPushIT subscribes with the public key.
import webPush from 'web-push';

process.stdout.write(JSON.stringify(webPush.generateVAPIDKeys()) + '\n');
