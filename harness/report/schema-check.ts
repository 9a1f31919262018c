// Checking a report document against its published JSON Schema (run.json, cr-impact.json) before it is written.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default;

/** A checker for `schema`, compiled on first use: `<JSON pointer>: <message>` lines, empty when the document is valid. */
export function schemaChecker(schema: object): (doc: unknown) => string[] {
  let validate: ValidateFunction | undefined;
  return (doc) => {
    if (!validate) {
      const ajv = new Ajv2020({ strict: true, allErrors: true });
      addFormats(ajv);
      validate = ajv.compile(schema);
    }
    if (validate(doc)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
  };
}
