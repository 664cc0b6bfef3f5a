// Component kinds the model simulates, one file each.
import type { Registry } from '../kernel/component';
import { database } from './database';
import { client } from './client';
import { endpoint } from './endpoint';
import { orchestrator } from './orchestrator';
import { monitor } from './monitor';
import { cache } from './cache';
import { balancer } from './balancer';
import { queue } from './queue';
import { worker } from './worker';
import { autoscaler } from './autoscaler';

export const COMPONENTS: Registry = { database, client, endpoint, orchestrator, monitor, cache, balancer, queue, worker, autoscaler };
