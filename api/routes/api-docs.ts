import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../deps.js';

/**
 * The readable API reference at /api/docs: Swagger UI served from the swagger-ui-dist package (no CDN, so it works
 * offline and behind strict egress), reading /api/v1/openapi.json. Public, like the document itself: it describes
 * the API and holds no data; "Authorize" takes a bearer token for "Try it out" and does not persist it.
 */

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const page = (specUrl: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>smsdesk API reference</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
  <noscript>This page needs JavaScript. The raw description is at <a href="${specUrl}">${specUrl}</a>.</noscript>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>`;

const init = (specUrl: string) => `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(specUrl)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  // A pasted token lives in this page's memory only: never in localStorage, gone with the tab.
  persistAuthorization: false,
  tryItOutEnabled: false,
});
`;

export function apiDocsRoutes(specUrl = '/api/v1/openapi.json') {
  const app = new Hono<AppEnv>();
  const cache = new Map<string, Buffer>();
  app.get('/', (c) => c.html(page(specUrl)));
  app.get('/init.js', (c) => c.body(init(specUrl), 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (!type) return c.notFound();
    let data = cache.get(file);
    if (!data) {
      data = await readFile(join(distDir, file));
      cache.set(file, data);
    }
    return c.body(new Uint8Array(data), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
  return app;
}
