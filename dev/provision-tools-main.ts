import { provisionFuzzTools, provisionTools, ToolsError } from './provision-tools.js';

// `npm run tools` and the pre-step of `npm test` (dev/prepare.mjs): make sure a Temporal CLI (and, unless
// --no-test-server, the time-skipping test server) exist.
const quiet = process.argv.includes('--quiet');
try {
  // --fuzz: also the API contract tools (Schemathesis, openapi-spec-validator) for `npm run fuzz:api`.
  if (process.argv.includes('--fuzz')) {
    const fuzz = provisionFuzzTools();
    if (!quiet) console.log(`schemathesis: ${fuzz.schemathesis}`);
  }
  const tools = provisionTools({ needTestServer: !process.argv.includes('--no-test-server') });
  if (!quiet)
    console.log(`temporal: ${tools.temporal}\ntemporal-test-server: ${tools.testServer}\n(source: ${tools.source})`);
} catch (err) {
  if (err instanceof ToolsError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
