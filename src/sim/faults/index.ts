// The fault catalogue: every kind a scenario may name, one file each.
import type { FaultSpec } from '../spec';
import type { FaultKindDef } from './fault';
import { crash } from './crash';
import { restart } from './restart';
import { pause } from './pause';
import { partition } from './partition';
import { degradeLink } from './degrade-link';
import { repoint } from './repoint';
import { promote } from './promote';
import { demote } from './demote';
import { fence } from './fence';
import { managedFailover } from './managed-failover';
import { throttle } from './throttle';
import { slowQueries } from './slow-queries';
import { refreshStatistics } from './refresh-statistics';
import { fillDisk } from './fill-disk';
import { resizeDisk } from './resize-disk';
import { moveMachine } from './move-machine';
import { resizePool } from './resize-pool';
import { surge } from './surge';
import { addWorkers } from './add-workers';
import { fixRace } from './fix-race';
import { addReplica } from './add-replica';
import { restoreBackup } from './restore-backup';

export type { FaultKindDef, FaultOps } from './fault';

/** Each kind's definition, typed for that kind's own fault spec. */
export const FAULT_KINDS: { [K in FaultSpec['kind']]: FaultKindDef<Extract<FaultSpec, { kind: K }>> } = {
  crash,
  restart,
  pause,
  partition,
  'degrade-link': degradeLink,
  repoint,
  promote,
  demote,
  fence,
  'managed-failover': managedFailover,
  throttle,
  'slow-queries': slowQueries,
  'refresh-statistics': refreshStatistics,
  'fill-disk': fillDisk,
  'resize-disk': resizeDisk,
  'move-machine': moveMachine,
  'resize-pool': resizePool,
  surge,
  'add-workers': addWorkers,
  'fix-race': fixRace,
  'add-replica': addReplica,
  'restore-backup': restoreBackup,
};
