/** A FIFO lock: PGlite has one connection, so work on it is queued here. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;

  get waiting(): number {
    return this.#waiting;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const prev = this.#tail;
    this.#tail = prev.then(() => next);
    this.#waiting++;
    await prev;
    this.#waiting--;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** One Mutex per key, dropped when idle (used to serialise turns per conversation). */
export class KeyedMutex {
  #locks = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let entry = this.#locks.get(key);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.#locks.set(key, entry);
    }
    entry.users++;
    try {
      return await entry.mutex.run(fn);
    } finally {
      entry.users--;
      if (entry.users === 0) this.#locks.delete(key);
    }
  }

  get size(): number {
    return this.#locks.size;
  }
}
