// The shapes the document names (components.schemas): wherever one of these appears in an operation
// it is written as a $ref (openapi.ts), so the document and docs/reference/api.md say "Release"
// once instead of repeating it in every operation.
import { ErrorBody } from './common.js';
import { Delivery, Webhook } from './webhooks.js';
import { Device } from './devices.js';
import { Token } from './tokens.js';
import { Grant, Group, Person } from './people.js';
import { App, AppWithLatest, Counts, Published, Release, ReleaseLinks } from './release.js';

export const COMPONENTS = { Error: ErrorBody, Published, AppWithLatest, Release, App, ReleaseLinks, Counts, Token, Device, Webhook, Delivery, Person, Group, Grant };
