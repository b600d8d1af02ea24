// The part of OpenAPI 3.0's schema language that Stripe's spec3.json uses, as a checker of one value:
// $ref, anyOf/oneOf, nullable, type, enum, maxLength, properties, required, additionalProperties,
// items. Two readings of a value: JSON (a response body) and form (a request body decoded by
// stripe-form.mjs, whose leaves are all strings and whose lists are objects keyed "0", "1", ...).
//
// Stricter than OpenAPI on one point, on purpose: an object schema with `properties` and no
// `additionalProperties` accepts no other names. Stripe answers 400 "Received unknown parameter" at
// every depth of a request, and a fake that answers fields Stripe does not have teaches the service
// to read them.

export class SchemaChecker {
  constructor(spec) {
    this.spec = spec;
  }

  resolve(schema) {
    let s = schema;
    for (let hops = 0; s && s.$ref; hops++) {
      if (hops > 32 || !s.$ref.startsWith('#/')) throw new Error(`cannot resolve ${s.$ref}`);
      s = s.$ref
        .slice(2)
        .split('/')
        .reduce((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], this.spec);
      if (!s) throw new Error(`dangling ${schema.$ref}`);
    }
    return s;
  }

  /** Mismatches of a JSON value (a response body); `at` names it in messages. */
  json(value, schema, at) {
    return this.#check(value, schema, at, false);
  }

  /** Mismatches of a decoded form (a request body) against the operation's form schema. */
  form(value, schema) {
    return this.#check(value, schema, '', true);
  }

  #check(value, schema, at, form) {
    const s = this.resolve(schema);
    const name = at || 'the body';
    if (value === null || value === undefined) return s.nullable ? [] : [`${name}: null, the spec does not allow null`];
    const branches = s.anyOf ?? s.oneOf;
    if (branches) {
      let closest = null;
      for (const branch of branches) {
        const problems = this.#check(value, branch, at, form);
        if (problems.length === 0) return [];
        if (!closest || problems.length < closest.length) closest = problems;
      }
      if (branches.length === 1) return closest;
      return [`${name}: fits none of the spec's ${branches.length} alternatives (closest: ${closest.join('; ')})`];
    }
    const container = form ? typeof value === 'object' : typeof value === 'object' && !Array.isArray(value);
    const list = form ? typeof value === 'object' : Array.isArray(value);
    switch (s.type) {
      case 'object':
        return container ? this.#object(value, s, at, form) : [`${name}: ${show(value)}, the spec wants an object`];
      case 'array':
        return list ? this.#array(value, s, at, form) : [`${name}: ${show(value)}, the spec wants a list`];
      case undefined:
        // A schema without a type (only a description) takes any value.
        return this.#enum(value, s, name, form);
      default:
        return this.#scalar(value, s, name, form);
    }
  }

  #object(value, s, at, form) {
    const problems = [];
    const props = s.properties ?? {};
    const extra = s.additionalProperties;
    for (const [key, child] of Object.entries(value)) {
      const path = join(at, key, form);
      if (Object.hasOwn(props, key)) problems.push(...this.#check(child, props[key], path, form));
      else if (extra && typeof extra === 'object') problems.push(...this.#check(child, extra, path, form));
      else if (extra === true || (extra === undefined && !s.properties)) continue;
      else problems.push(`${path}: not in the spec (${form ? 'an unknown parameter' : 'Stripe has no such field'})`);
    }
    for (const key of s.required ?? [])
      if (!Object.hasOwn(value, key)) problems.push(`${join(at, key, form)}: required by the spec, missing`);
    return problems;
  }

  #array(value, s, at, form) {
    const entries = form ? Object.entries(value) : value.map((v, i) => [String(i), v]);
    const problems = [];
    for (const [index, child] of entries) {
      const path = join(at, index, form);
      if (!/^\d+$/.test(index)) problems.push(`${path}: a list takes [] or [N], not a name`);
      else if (s.items) problems.push(...this.#check(child, s.items, path, form));
    }
    return problems;
  }

  #scalar(value, s, name, form) {
    if (typeof value === 'object') return [`${name}: ${show(value)}, the spec wants ${article(s.type)}`];
    const fits = {
      integer: form ? /^-?\d+$/.test(value) : Number.isInteger(value),
      number: form ? /^-?\d+(\.\d+)?$/.test(value) : typeof value === 'number' && Number.isFinite(value),
      boolean: form ? value === 'true' || value === 'false' : typeof value === 'boolean',
      string: typeof value === 'string',
    }[s.type];
    if (fits === undefined) return [`${name}: the spec's type ${s.type} is not one this checker knows`];
    if (!fits) return [`${name}: ${show(value)} is not ${article(s.type)}`];
    if (s.type === 'string' && s.maxLength !== undefined && value.length > s.maxLength)
      return [`${name}: ${value.length} characters, the spec allows ${s.maxLength}`];
    return this.#enum(value, s, name, form);
  }

  #enum(value, s, name, form) {
    if (!s.enum) return [];
    const fits = s.enum.some((e) => (form ? String(e) === value : e === value));
    return fits ? [] : [`${name}: ${show(value)} is not one of the spec's ${JSON.stringify(s.enum)}`];
  }
}

function join(at, key, form) {
  if (!at) return key;
  return form ? `${at}[${key}]` : /^\d+$/.test(key) ? `${at}[${key}]` : `${at}.${key}`;
}

function show(value) {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function article(type) {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
