/** A tournament server that a runner started. */
export interface ServerHandle {
  url: string;
  /** OS process id where there is one of our own (process runner). */
  pid: number | null;
  /** Resolves when the server has stopped, for whatever reason. */
  exited: Promise<void>;
  /**
   * Where the runner hears from the server itself: resolves once it says it
   * listens, so the registry's first health check can succeed (the registry
   * still checks). Absent where the runner cannot tell.
   */
  listening?: Promise<void>;
  /** Graceful stop: the server finishes its requests and gives up its lease. */
  stop(): Promise<void>;
  /** Immediate end, for a server that stopped answering. */
  kill(): void;
}

/** Where a tournament server runs, as its `tournament_servers` row recorded it. */
export interface ServerRecord {
  tournamentId: string;
  url: string;
  port: number;
  pid: number | null;
  host: string;
}

/** How tournament servers run (SPEC §1 "Runners"); the rest of the code does not know which. */
export interface Runner {
  readonly kind: 'inline' | 'process' | 'docker';
  start(opts: { tournamentId: string; port: number; host: string }): Promise<ServerHandle>;
  /**
   * A handle on a server that runs already (one a previous supervisor
   * started), found from its record, so that it can be stopped or replaced;
   * null when the runner cannot find it. The caller has checked that the
   * record's URL answers as this tournament's server.
   */
  adopt(record: ServerRecord): Promise<ServerHandle | null>;
  /** Gets ready for the starts to come (the process runner starts its standby processes). */
  prepare?(): void;
  /** Ends whatever the runner keeps besides the servers it started (standby processes). */
  close?(): Promise<void>;
}
