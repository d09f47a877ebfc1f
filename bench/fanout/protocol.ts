// What the fan-out bench's processes say to each other (the orchestrator and its client and bare ws
// processes, over Node IPC) and what a run reports.
import type { LatencySummary } from './histogram.js';

/** The orchestrator → a client process. */
export type ToClients =
  | { type: 'connect'; url: string; wsUrl?: string; cookies: string[]; count: number }
  | { type: 'rooms'; join: string[]; leave: string[] }
  | { type: 'reset' }
  | { type: 'report'; commits: Array<[number, number]>; rows: boolean; dashboard: boolean }
  | { type: 'close' };

export const ROWS_ROOM = 'needs:all';
export const DASHBOARD_ROOM = 'dashboard:overview';
/** Who the 1,000 clients are in a phase: the rooms that page joins. */
export const AUDIENCES = {
  /** A needs board (org-wide): row changes only. */
  rows: [ROWS_ROOM],
  /** The overview dashboard (a wall screen): the dashboard topic only. */
  dashboard: [DASHBOARD_ROOM],
  /** No Beacon page joins both; every write then costs each client two frames. Reported, for scale. */
  both: [ROWS_ROOM, DASHBOARD_ROOM]
} as const;
export type Audience = keyof typeof AUDIENCES;

export interface FanoutPhase {
  audience: Audience;
  rooms: string[];
  rate: number;
  clients: number;
  writes: number;
  rows?: LatencySummary;
  /** Per write, the first client to get it: the server's pipeline without the spread over the sockets. */
  rowsFirst?: LatencySummary;
  dashboard?: LatencySummary;
  /** Per write, the first client whose dashboard reflects it. */
  dashboardFirst?: LatencySummary;
  rowPayloadBytes: number;
  /** (client, write) pairs whose row change never arrived. */
  rowsMissing: number;
  /** Dashboard clients whose last view is older than the last write. */
  dashboardsBehind: number;
  errors: number;
  serverRssMb: number;
  serverCpuPercent: number;
  /** Client processes together, in % of one core. */
  clientsCpuPercent: number;
  /** The whole machine busy, in % of all cores (server, clients, writer, Postgres and anything else). */
  machineBusyPercent: number;
  /** Socket.IO pushes each client received in the measured part (row pushes coalesce changes). */
  pushesPerClient: number;
  /** The server's CPU over the phase divided by those pushes: what one push to every client costs it, all its other work included. */
  serverCpuMsPerPush: number;
}
export type BareWsMode = 'per-write' | 'coalesced';
export interface BareWsPhase {
  rate: number;
  mode: BareWsMode;
  /** The phase's writes were committing to Postgres meanwhile (the same load on the machine as the hub's run). */
  writes: boolean;
  bytes: number;
  /** Frames sent to each client per second (coalesced: fewer than messages once it falls behind). */
  framesPerSecond: number;
  /** The bare ws server's CPU over the measured broadcast divided by its frames: one frame to every client. */
  serverCpuMsPerFrame: number;
  /** From each message's scheduled time (like a commit, it happens whether or not the broadcaster keeps up). */
  latency: LatencySummary;
  /** From the moment its broadcast began: the spread over the sockets alone. */
  spread: LatencySummary;
  /** Messages per second the bare ws server actually sent to every client. */
  achievedRate: number;
  errors: number;
}
export const bareLabel = (w: BareWsPhase) => `${w.mode}${w.writes ? ', writes running' : ''}`;
export interface FanoutResult {
  machine: string;
  /** Socket.IO clients asked for in the measured phases. */
  clients: number;
  warmupSeconds: number;
  seconds: number;
  phases: FanoutPhase[];
  bareWs: BareWsPhase[];
  big: { clients: number; connected: number; retries: number; writes: number; missing: number; dashboardsBehind: number; errors: number; rssMb: number; rows: LatencySummary; dashboard: LatencySummary };
  idleRssMb: number;
  /** os.loadavg() when the benchmark started: was anything else running? */
  loadBefore: number[];
}
