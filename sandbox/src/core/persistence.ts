// Optional persistence of every platform's state to one JSON file, so a demo survives a restart.
// Writes are debounced and atomic (write to a temp file, then rename).
import fs from 'node:fs';
import path from 'node:path';

export interface PersistedState {
  version: 1;
  savedAt: string;
  platforms: Record<string, unknown>;
}

export function loadState(file: string): PersistedState | null {
  if (!fs.existsSync(file)) return null;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as PersistedState;
  if (parsed.version !== 1 || typeof parsed.platforms !== 'object') {
    throw new Error(`sandbox state file ${file} is not a version-1 sandbox state`);
  }
  return parsed;
}

export class StateWriter {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly collect: () => Record<string, unknown>,
    private readonly delayMs = 250,
  ) {}

  markDirty(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const state: PersistedState = { version: 1, savedAt: new Date().toISOString(), platforms: this.collect() };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, this.file);
  }
}
