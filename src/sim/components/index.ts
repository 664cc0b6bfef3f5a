// Component kinds the model simulates, one file each.
import type { Registry } from '../kernel/component';
import { database } from './database';
import { client } from './client';
import { endpoint } from './endpoint';
import { orchestrator } from './orchestrator';
import { monitor } from './monitor';

export const COMPONENTS: Registry = { database, client, endpoint, orchestrator, monitor };
