// Validates Grafana dashboards against the JSON Schema generated from @grafana/schema's Dashboard
// type, plus what the schema cannot say: fixed unique UIDs, schemaVersion >= 36, a datasource
// variable used by every panel, unique panel ids.
// Usage: node validate-dashboards.js SCHEMA.json DASHBOARD.json...
const fs = require('fs');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const [schemaPath, ...files] = process.argv.slice(2);
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
let failed = 0;
const uids = new Set();
for (const file of files) {
  const d = JSON.parse(fs.readFileSync(file, 'utf8'));
  const problems = [];
  if (!validate(d)) problems.push(...validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`));
  if (!d.uid || uids.has(d.uid)) problems.push(`uid missing or reused: ${d.uid}`);
  uids.add(d.uid);
  if (!(d.schemaVersion >= 36)) problems.push(`schemaVersion ${d.schemaVersion} < 36`);
  const vars = (d.templating && d.templating.list) || [];
  if (!vars.some((v) => v.type === 'datasource' && v.name === 'datasource')) problems.push('no datasource variable');
  const ids = new Set();
  for (const p of d.panels || []) {
    if (ids.has(p.id)) problems.push(`panel id ${p.id} reused`);
    ids.add(p.id);
    if (p.type === 'row') continue;
    if (!p.datasource || p.datasource.uid !== '${datasource}') problems.push(`panel "${p.title}" ignores $datasource`);
    if (!p.targets || p.targets.length === 0) problems.push(`panel "${p.title}" has no query`);
  }
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${file} (${(d.panels || []).filter((p) => p.type !== 'row').length} panels)`);
  for (const p of problems) console.log(`     ${p}`);
  if (problems.length) failed++;
}
process.exit(failed ? 1 : 0);
