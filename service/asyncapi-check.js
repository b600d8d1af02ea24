// Used by scripts/asyncapi-check.sh: node asyncapi-check.js ASYNCAPI.yaml SRC_DIR [MESSAGES.jsonl ...]
const fs = require('fs');
const path = require('path');
const { Parser } = require('@asyncapi/parser');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

function sources(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.(cpp|hpp)$/.test(e.name)) out.push(p);
  }
  return out;
}

async function main() {
  const [docPath, srcDir, ...messageFiles] = process.argv.slice(2);
  let failed = false;
  const fail = (msg) => {
    console.error(`asyncapi-check: ${msg}`);
    failed = true;
  };
  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(fs.readFileSync(docPath, 'utf8'));
  for (const d of diagnostics.filter((x) => x.severity === 0)) fail(`${docPath}: ${d.message} at /${d.path.join('/')}`);
  if (!document) process.exit(1);
  if (document.version() !== '3.0.0') fail(`expected AsyncAPI 3.0.0, got ${document.version()}`);

  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const schemas = new Map();
  for (const m of document.allMessages()) {
    const payload = m.payload();
    if (!payload) fail(`message ${m.name()} has no payload schema`);
    else schemas.set(m.name(), ajv.compile(payload.json()));
  }

  // Every event type literal in the service's sources ("order.confirmed") must be documented.
  const written = new Set();
  for (const f of sources(srcDir))
    for (const match of fs.readFileSync(f, 'utf8').matchAll(/"(order\.[a-z_]+)"/g)) written.add(match[1]);
  if (written.size === 0) fail(`no event type found in ${srcDir}`);
  for (const t of written) if (!schemas.has(t)) fail(`event type ${t} is written by the service but not documented`);
  for (const t of schemas.keys()) if (!written.has(t)) fail(`event type ${t} is documented but never written`);

  let checked = 0;
  for (const file of messageFiles) {
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
    for (const [i, line] of lines.entries()) {
      const body = JSON.parse(line);
      const validate = schemas.get(body.type);
      if (!validate) {
        fail(`${file}:${i + 1}: undocumented type ${body.type}`);
        continue;
      }
      if (!validate(body))
        fail(`${file}:${i + 1}: ${body.type} ${body.id}: ` +
             validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; '));
      checked++;
    }
  }
  console.log(`asyncapi-check: ${docPath} valid; ${schemas.size} event types documented, ` +
              `${written.size} written by the service; ${checked} message(s) validated`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`asyncapi-check: ${e.stack || e}`);
  process.exit(1);
});
