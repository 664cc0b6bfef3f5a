import type { RestoreBackupFault } from '../spec';
import type { FaultKindDef } from './fault';

// An operator rebuilds a database from a backup of another: the backup is pulled from `from`
// when the fault starts (a consistent copy, as a storage snapshot or a dump gives), the target
// is out of service while it is loaded, and at `untilMs` it starts again with the backup's
// data and a cold cache, then replays the log written since from whoever it follows. Against
// a long catch-up this moves the bulk of the work off the live primary; against a primary it
// throws away whatever was written after the backup.
export const restoreBackup: FaultKindDef<RestoreBackupFault> = {
  kind: 'restore-backup',
  apply: (ops, f) => {
    ops.log(`an operator restores ${f.target} from a backup of ${f.from}`);
    ops.crash(f.target);
    ops.configure(f.target, { verb: 'restore-take', from: f.from });
  },
  revert: (ops, f) => {
    ops.configure(f.target, { verb: 'restore-load' });
    ops.restart(f.target);
  },
};
