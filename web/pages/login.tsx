import type { Dict, Lang } from '../i18n.js';
import { Layout } from './layout.js';

/** Token sign-in: a plain form that works without JavaScript. */
export function LoginPage(p: { t: Dict; lang: Lang; css: string; next: string; error?: boolean }) {
  return (
    <Layout title={p.t.signIn} lang={p.lang} t={p.t} css={p.css}>
      <div class="panel login">
        <h2>smsdesk · {p.t.signIn}</h2>
        <form method="post" action="/app/login">
          <input type="hidden" name="next" value={p.next} />
          <input type="hidden" name="lang" value={p.lang} />
          <label for="token">{p.t.token}</label>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="current-password"
            required
            aria-describedby="token-help"
            aria-invalid={p.error ? 'true' : undefined}
          />
          <p class="help" id="token-help">
            {p.t.tokenHelp}
          </p>
          {p.error ? (
            <p class="error" role="alert">
              {p.t.badToken}
            </p>
          ) : null}
          <p>
            <button type="submit">{p.t.signIn}</button>
          </p>
        </form>
      </div>
    </Layout>
  );
}

export function ForbiddenPage(p: { t: Dict; lang: Lang; css: string }) {
  return (
    <Layout title={p.t.notAllowed} lang={p.lang} t={p.t} css={p.css}>
      <div class="panel login">
        <p role="alert">{p.t.notAllowed}</p>
        <p>
          <a href="/app">{p.t.agentWorkspace}</a>
        </p>
      </div>
    </Layout>
  );
}
