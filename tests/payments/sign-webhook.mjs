// Writes the Stripe-Signature header Stripe's own library produces for a payload:
//   node sign-webhook.mjs SECRET UNIX_TIMESTAMP PAYLOAD_FILE
// (stripe.webhooks.generateTestHeaderString, the helper Stripe documents for testing webhook endpoints).
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';

const [secret, timestamp, payloadFile] = process.argv.slice(2);
if (!secret || !timestamp || !payloadFile) {
  console.error('usage: node sign-webhook.mjs SECRET UNIX_TIMESTAMP PAYLOAD_FILE');
  process.exit(2);
}
const stripe = new Stripe('sk_test_signing_only');
const payload = readFileSync(payloadFile, 'utf8');
process.stdout.write(stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Number(timestamp) }));
