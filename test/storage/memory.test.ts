import { openBlobStore } from '../../src/storage/open.js';
import { blobStoreConformance } from './blob-store.conformance.js';

blobStoreConformance('memory', { create: () => openBlobStore({ kind: 'memory' }), streaming: false });
