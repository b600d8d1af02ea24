// Stripe's form encoding, read back into the value it stands for: `metadata[order_id]=1` is the
// object {metadata: {order_id: "1"}}, `expand[]=a&expand[]=b` (or `expand[0]=a`) a list. Leaves stay
// strings: a form carries no types, so the schema check decides whether "12" may be an integer.
// Lists come back as objects keyed "0", "1", ... so that one walk serves both.

const KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

/** { value, problems } for an application/x-www-form-urlencoded body. */
export function decodeStripeForm(body) {
  const value = {};
  const problems = [];
  for (const [key, leaf] of new URLSearchParams(body)) {
    const m = KEY.exec(key);
    if (!m) {
      problems.push(`${key}: not a Stripe form key (name or name[part]...)`);
      continue;
    }
    const parts = [m[1], ...[...m[2].matchAll(/\[([^[\]]*)\]/g)].map((p) => p[1])];
    let node = value;
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      // `[]` appends: the next free index of this list.
      const part = parts[i] === '' ? String(Object.keys(node).length) : parts[i];
      if (last) {
        if (part in node) problems.push(`${key}: sent more than once`);
        else node[part] = leaf;
      } else {
        if (typeof node[part] === 'string') {
          problems.push(`${key}: ${parts.slice(0, i + 1).join('.')} is both a value and a container`);
          break;
        }
        node[part] ??= {};
        node = node[part];
      }
    }
  }
  return { value, problems };
}

/** The top-level names sent in bracket form (`metadata[order_id]` -> metadata). */
export function nestedNames(body) {
  const names = new Set();
  for (const [key] of new URLSearchParams(body)) {
    const m = KEY.exec(key);
    if (m && m[2] !== '') names.add(m[1]);
  }
  return names;
}
