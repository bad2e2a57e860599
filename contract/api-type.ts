/**
 * The API's routes as a type, for its clients: web/client builds `hc<ApiType>` on it. A module outside api/ and web/
 * so the pages depend on the API's contract, not on its folder, and neither folder imports the other (the app module
 * in app/ composes the two).
 */
export type { ApiType } from '../api/v1.js';
