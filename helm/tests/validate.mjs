// Validates rendered Kubernetes objects, one JSON object per line of FILE (helm template | yq -c .):
//  1. kubernetes-models 5.1.0: the JSON Schema of the object's apiVersion/kind (types, required
//     fields, enums, formats); ServiceMonitor and PrometheusRule against prometheus-operator's
//     CRD schemas (@kubernetes-models/prometheus-operator 6.0.0).
//  2. Unknown fields, which those schemas let through: every key must be an attribute of the
//     @kubernetes/client-node 0.21 model (generated from exactly Kubernetes 1.30, the chart's floor),
//     and the kind must exist there; the CRDs' fields come from the prometheus-operator package's
//     type declarations.
//  3. What the API server would refuse beyond the schema: names and label values.
// Usage: node validate.mjs TOOLS_DIR FILE.jsonl...   (per file a line `ok` or `FAIL` after its problems;
// exit 1 when any file has one)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [toolsDir, ...files] = process.argv.slice(2);
const nodeModules = path.join(path.resolve(toolsDir), 'node_modules');
const require = createRequire(path.join(nodeModules, 'noop.js'));
const k8s = require('k8s-client-1.30');
const importFrom = (spec) => import(path.join(nodeModules, spec, 'index.js'));

let problems = [];

// --- 2. unknown fields against the client-node (Kubernetes 1.30) models ------------------------
function checkType(type, value, where) {
  let m;
  if ((m = /^Array<(.+)>$/.exec(type))) {
    if (Array.isArray(value)) value.forEach((v, i) => checkType(m[1], v, `${where}[${i}]`));
    return;
  }
  if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(type))) {
    if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) checkType(m[1], v, `${where}.${k}`);
    return;
  }
  const model = k8s[type];
  if (!model || typeof model.getAttributeTypeMap !== 'function') return;  // a scalar, IntOrString, Quantity...
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;  // wrong types: kubernetes-models says so
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    if (!attributes.has(k)) problems.push(`${where}.${k}: unknown field (not in ${type} of Kubernetes 1.30)`);
    else checkType(attributes.get(k), v, `${where}.${k}`);
  }
}

// --- CRD fields from the prometheus-operator type declarations ----------------------------------
const poDir = path.join(nodeModules, '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1');
const dtsCache = new Map();
function dtsModel(file) {
  if (dtsCache.has(file)) return dtsCache.get(file);
  const text = fs.readFileSync(file, 'utf8');
  const imports = new Map([...text.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)].map((m) => [m[1], m[2]]));
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^export declare class \w+ extends Model</.test(l));
  let props = null;
  if (start >= 0) {
    props = new Map();
    for (let i = start + 1; i < lines.length && lines[i] !== '}'; i++) {
      const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i]);
      if (!m) continue;
      let type = m[2];
      while (!type.endsWith(';')) type += ' ' + lines[++i].trim();  // a multi-line map type
      type = type.slice(0, -1).replace(/\s+/g, ' ').replace('{ [key: string]: ', '{ [key: string]: ');
      props.set(m[1], type);
    }
  }
  const model = { file, imports, props };
  dtsCache.set(file, model);
  return model;
}
function checkCrdType(model, type, value, where) {
  let m;
  if ((m = /^Array<(.+)>$/.exec(type))) {
    if (Array.isArray(value)) value.forEach((v, i) => checkCrdType(model, m[1], v, `${where}[${i}]`));
    return;
  }
  if ((m = /^\{ \[key: string\]: (.+) \}$/.exec(type))) {
    const inner = m[1].replace(/;$/, '');
    if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) checkCrdType(model, inner, v, `${where}.${k}`);
    return;
  }
  const spec = model.imports.get(type);
  if (!spec) return;  // string, number, boolean, a literal
  if (spec.startsWith('./')) {
    const next = dtsModel(path.join(path.dirname(model.file), spec.replace(/\.js$/, '.d.ts')));
    if (next.props) checkCrdObject(next, value, where);
    return;
  }
  // A built-in type (ObjectMeta, LabelSelector, SecretKeySelector...): its client-node model.
  const name = `V1${path.basename(spec)}`;
  if (k8s[name]) checkType(name, value, where);
}
function checkCrdObject(model, value, where) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (!model.props.has(k)) problems.push(`${where}.${k}: unknown field (not in ${path.basename(model.file, '.d.ts')})`);
    else checkCrdType(model, model.props.get(k), v, `${where}.${k}`);
  }
}

// --- 3. names and labels ----------------------------------------------------------------------
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
function checkLabels(labels, where) {
  for (const [k, v] of Object.entries(labels || {})) {
    const name = k.includes('/') ? k.split('/')[1] : k;
    if (name.length > 63 || !labelValue.test(name) || !name) problems.push(`${where}: label key ${k} is invalid`);
    if (typeof v !== 'string' || v.length > 63 || !labelValue.test(v)) problems.push(`${where}: label ${k}=${v} is invalid`);
  }
}
// Objects whose name becomes a DNS label (a Service's is a host name; a Pod's a host name too).
const labelNamed = new Set(['Service', 'Pod', 'StatefulSet', 'Job']);

// --- the objects --------------------------------------------------------------------------------
async function validateFile(file) {
const objects = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && l.trim() !== 'null').map((l) => JSON.parse(l));
if (objects.length === 0) problems.push(`${file}: no objects`);
const seen = new Set();
for (const obj of objects) {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    problems.push(`an object without apiVersion or kind: ${JSON.stringify(obj).slice(0, 80)}`);
    continue;
  }
  const name = obj.metadata && obj.metadata.name;
  const where = `${kind}/${name}`;
  const id = `${apiVersion}/${kind}/${obj.metadata && obj.metadata.namespace}/${name}`;
  if (seen.has(id)) problems.push(`${where}: rendered twice`);
  seen.add(id);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [null, apiVersion];

  // 1. schema
  let module;
  try {
    module = group === 'monitoring.coreos.com'
      ? await importFrom(`@kubernetes-models/prometheus-operator/${group}/${version}`)
      : await importFrom(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
  } catch (e) {
    problems.push(`${where}: no schema for ${apiVersion}`);
    continue;
  }
  const Model = module[kind];
  if (!Model) {
    problems.push(`${where}: ${apiVersion} has no kind ${kind}`);
    continue;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    problems.push(`${where}: ${e.message}`);
  }

  // 2. unknown fields
  if (group === 'monitoring.coreos.com') {
    const model = dtsModel(path.join(poDir, `${kind}.d.ts`));
    checkCrdObject(model, obj, where);
  } else {
    const modelName = `V${version.slice(1)}${kind}`;  // apps/v1 Deployment -> V1Deployment
    if (!k8s[modelName]) problems.push(`${where}: ${apiVersion} ${kind} does not exist in Kubernetes 1.30 (no ${modelName})`);
    else checkType(modelName, obj, where);
  }

  // 3. names and labels
  if (!name || name.length > 253 || !dns1123Subdomain.test(name)) problems.push(`${where}: invalid name`);
  if (labelNamed.has(kind) && (name.length > 63 || !dns1123Label.test(name))) problems.push(`${where}: name is not a DNS label`);
  checkLabels(obj.metadata && obj.metadata.labels, `${where} metadata.labels`);
  const template = obj.spec && obj.spec.template;
  if (template) checkLabels(template.metadata && template.metadata.labels, `${where} spec.template.metadata.labels`);
}
return objects.length;
}
let failedFiles = 0;
for (const file of files) {
  problems = [];
  const count = await validateFile(file);
  for (const p of problems) console.log(`  ${p}`);
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${path.basename(file)}: ${count} objects, ${problems.length} problems`);
  if (problems.length) failedFiles++;
}
process.exit(failedFiles ? 1 : 0);
