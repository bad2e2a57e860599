import type { Child } from 'hono/jsx';
import type { Dict, Lang } from '../i18n.js';

type LayoutProps = {
  title: string;
  lang: Lang;
  t: Dict;
  css: string;
  script?: string;
  /** Read by the client script (JSON in a data attribute: escaped by JSX, unescaped by the browser). */
  data?: Record<string, unknown>;
  header?: Child;
  children: Child;
};

export function Layout(p: LayoutProps) {
  return (
    <html lang={p.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${p.title} · smsdesk`}</title>
        <link rel="stylesheet" href={p.css} />
        {p.script ? <script src={p.script} defer /> : null}
      </head>
      <body data-page={p.data ? JSON.stringify(p.data) : undefined}>
        <a class="skip" href="#main">
          {p.t.skipToContent}
        </a>
        {p.header}
        <main id="main">{p.children}</main>
      </body>
    </html>
  );
}

/** The top bar: product name, page title, language switch, sign out. */
export function TopBar(p: { t: Dict; title: string; lang: Lang; path: string; children?: Child }) {
  const other = p.lang === 'bg' ? 'en' : 'bg';
  return (
    <header class="top">
      <h1>
        smsdesk · <span>{p.title}</span>
      </h1>
      {p.children}
      <span class="spacer" />
      <a href={`${p.path}?lang=${other}`} hreflang={other}>
        {other === 'bg' ? 'Български' : 'English'}
      </a>
      <a href={`${p.path}?as=new&lang=${p.lang}`}>{p.t.otherUser}</a>
      <form method="post" action="/app/logout">
        <button class="link" type="submit">
          {p.t.signOut}
        </button>
      </form>
    </header>
  );
}
