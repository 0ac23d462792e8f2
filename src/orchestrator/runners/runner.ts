/** A tournament server that a runner started. */
export interface ServerHandle {
  url: string;
  /** OS process id where there is one of our own (process runner). */
  pid: number | null;
  /** Resolves when the server has stopped, for whatever reason. */
  exited: Promise<void>;
  /** Graceful stop: the server finishes its requests and gives up its lease. */
  stop(): Promise<void>;
  /** Immediate end, for a server that stopped answering. */
  kill(): void;
}

/** How tournament servers run (SPEC §1 "Runners"); the rest of the code does not know which. */
export interface Runner {
  readonly kind: 'inline' | 'process' | 'docker';
  start(opts: { tournamentId: string; port: number; host: string }): Promise<ServerHandle>;
}
