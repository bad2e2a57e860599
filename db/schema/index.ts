export * from './calendars.js';
export * from './conversations.js';
export * from './inbox.js';
export * from './login-links.js';
export * from './preferred-agents.js';

export * from './security.js';
export * from './setup.js';
