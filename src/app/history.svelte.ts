// Undo and redo over whole documents: each learner change pushes the document it replaced.
// Documents are immutable values (every edit builds a new one), so a snapshot is a reference,
// and the stacks are bounded.

export const MAX_UNDO = 100;

export class EditHistory<T> {
  private undoStack = $state.raw<{ doc: T; label: string }[]>([]);
  private redoStack = $state.raw<{ doc: T; label: string }[]>([]);

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }
  get undoLabel(): string | null {
    return this.undoStack.at(-1)?.label ?? null;
  }
  get redoLabel(): string | null {
    return this.redoStack.at(-1)?.label ?? null;
  }

  /** Record that `before` was replaced by a change called `label`. */
  push(before: T, label: string): void {
    const next = [...this.undoStack, { doc: before, label }];
    this.undoStack = next.length > MAX_UNDO ? next.slice(next.length - MAX_UNDO) : next;
    this.redoStack = [];
  }

  /** The document to go back to, given the current one (which redo will restore). */
  undo(current: T): { doc: T; label: string } | null {
    const top = this.undoStack.at(-1);
    if (!top) return null;
    this.undoStack = this.undoStack.slice(0, -1);
    this.redoStack = [...this.redoStack, { doc: current, label: top.label }];
    return top;
  }

  redo(current: T): { doc: T; label: string } | null {
    const top = this.redoStack.at(-1);
    if (!top) return null;
    this.redoStack = this.redoStack.slice(0, -1);
    this.undoStack = [...this.undoStack, { doc: current, label: top.label }];
    return top;
  }

  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
  }
}
