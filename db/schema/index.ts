export * from './attachments.js';
export * from './conversations.js';
export * from './inbox.js';
export * from './login-links.js';

export * from './security.js';
export * from './setup.js';
