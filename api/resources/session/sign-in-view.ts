import type { Context } from 'hono';
import type { AppEnv } from '../../deps.js';

/**
 * What the sign-in handlers need from the pages, without importing them: the page language and the form shown again
 * after a wrong token. The app module (app/create-app.ts) hands web/'s implementation in; api/ never imports web/.
 */
export type SignInView = {
  /** The page language for a form field and an Accept-Language header. */
  langOf(formLang: string | undefined, acceptLanguage: string | undefined): string;
  /** The sign-in form with an error, answered 401. */
  refused(c: Context, input: { next: string; lang: string }): Response | Promise<Response>;
};

/** The session routes' environment: the API's, plus the sign-in view set by provideSignInView. */
export type SessionEnv = { Variables: AppEnv['Variables'] & { signInView: SignInView } };
