// Shopify's official Node library judges one webhook: prints {"valid": bool, "reason": ...}.
// Arguments: the app secret, the raw body (base64) and the X-Shopify-Hmac-Sha256 header.
// Used by dropyard/stores/tests/test_shopify_auth.py as the oracle of Dropyard's webhook HMAC.
import '@shopify/shopify-api/adapters/node';
import {shopifyApi, ApiVersion} from '@shopify/shopify-api';
import {Buffer} from 'node:buffer';

const [secret, bodyBase64, hmacHeader] = process.argv.slice(2);
const shopify = shopifyApi({
  apiKey: 'dropyard-test', apiSecretKey: secret, scopes: [], hostName: 'localhost',
  apiVersion: ApiVersion.January25, isEmbeddedApp: false, logger: {level: 0},
});
const rawRequest = {
  method: 'POST', url: '/',
  headers: {
    'x-shopify-hmac-sha256': hmacHeader, 'x-shopify-topic': 'orders/create',
    'x-shopify-api-version': '2025-01', 'x-shopify-shop-domain': 'dropyard-test.myshopify.com',
    'x-shopify-webhook-id': 'oracle-1', 'x-shopify-event-id': 'oracle-1',
    'x-shopify-triggered-at': '2026-01-05T10:00:00Z',
  },
};
const rawBody = Buffer.from(bodyBase64, 'base64').toString('utf8');
const result = await shopify.webhooks.validate({rawBody, rawRequest});
console.log(JSON.stringify({valid: result.valid, reason: result.valid ? null : result.reason}));
