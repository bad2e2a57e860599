import type { Context } from 'hono';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Role } from '../domain/vocabulary.js';
import { asset, assetUrl, isAssetName } from './assets.js';
import { DICTS, type Lang, pickLang } from './i18n.js';
import { AdminPage } from './pages/admin.js';
import { AgentPage } from './pages/agent.js';
import { FileDownloadPage, FileUploadPage } from './pages/files.js';
import { ForbiddenPage, LoginPage } from './pages/login.js';
import { ReportsPage } from './pages/reports.js';

/** The signed-in user a page is rendered for. */
export type PageUser = { id: string; name: string; role: Role };

/** What the pages need from outside web/, set once per request by providePageDeps (app/create-app.ts). */
export type PageDeps = {
  temporalUiUrl: string;
  /** The user of the request's browser session, or null (the app supplies it: web/ knows no sessions). */
  sessionUser: (c: Context) => Promise<PageUser | null>;
};

export type PageEnv = { Variables: { pageDeps: PageDeps } };

/** Hands the pages their dependencies through `c.var.pageDeps`. */
export const providePageDeps = (deps: PageDeps) =>
  createMiddleware<PageEnv>(async (c, next) => {
    c.set('pageDeps', deps);
    await next();
  });

const langOf = (c: Context) => pickLang(c.req.query('lang'), c.req.header('accept-language'));
const noStore = (c: Context) => c.header('Cache-Control', 'no-store');

/**
 * The pages' part of sign-in: the language a form asks for, and the form again after a wrong token (401). The
 * sign-in handlers themselves live in the API (api/resources/session/); the app module hands them this.
 */
export const signInView = {
  langOf: (formLang: string | undefined, acceptLanguage: string | undefined): string =>
    pickLang(formLang, acceptLanguage),
  refused: async (c: Context, input: { next: string; lang: string }) => {
    const lang = input.lang as Lang;
    return c.html(
      <LoginPage t={DICTS[lang]} lang={lang} css={await assetUrl('app.css')} next={input.next} error />,
      401,
    );
  },
};

/** The customer's pages behind the links sent by SMS (/f: download, /u: upload); the token is checked by the API. */
const filesPage = (kind: 'download' | 'upload') => async (c: Context) => {
  noStore(c);
  const lang = langOf(c);
  const props = {
    t: DICTS[lang],
    lang,
    css: await assetUrl('app.css'),
    token: c.req.param('token') ?? '',
  };
  return kind === 'download'
    ? c.html(<FileDownloadPage {...props} script={await assetUrl('files-download.js')} />)
    : c.html(<FileUploadPage {...props} script={await assetUrl('files-upload.js')} />);
};

/** Server-rendered pages: /app (agent workspace), /admin (setup wizard) and their assets. */
const page = (path: '/app' | '/admin' | '/reports') => async (c: Context<PageEnv>) => {
  noStore(c);
  const lang = langOf(c);
  const t = DICTS[lang];
  const css = await assetUrl('app.css');
  const { sessionUser, temporalUiUrl } = c.var.pageDeps;
  const user = await sessionUser(c);
  if (!user) return c.html(<LoginPage t={t} lang={lang} css={css} next={path} />);
  if (path === '/reports') {
    if (user.role === 'agent') return c.html(<ForbiddenPage t={t} lang={lang} css={css} />, 403);
    return c.html(<ReportsPage t={t} lang={lang} css={css} script={await assetUrl('reports.js')} user={user} />);
  }
  if (path === '/admin') {
    if (user.role !== 'admin') return c.html(<ForbiddenPage t={t} lang={lang} css={css} />, 403);
    return c.html(<AdminPage t={t} lang={lang} css={css} script={await assetUrl('admin.js')} />);
  }
  return c.html(
    <AgentPage
      t={t}
      lang={lang}
      css={css}
      script={await assetUrl('agent.js')}
      user={user}
      temporalUiUrl={temporalUiUrl}
    />,
  );
};

export const webPages = new Hono<PageEnv>()
  .get('/assets/:name', async (c) => {
    const name = c.req.param('name');
    if (!isAssetName(name)) return c.notFound();
    const a = await asset(name);
    // Versioned URLs (?v=hash) never change content; unversioned ones revalidate.
    c.header('Cache-Control', c.req.query('v') === a.hash ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('Content-Type', a.type);
    return c.body(a.body);
  })
  .get('/app', page('/app'))
  .get('/admin', page('/admin'))
  .get('/reports', page('/reports'))
  .get('/f/:token', filesPage('download'))
  .get('/u/:token', filesPage('upload'));
