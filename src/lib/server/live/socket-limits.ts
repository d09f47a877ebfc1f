// What one signed-in user may cost the live engine. Each dashboard room a socket joins is a view the
// hub recomputes on every change, and every intent is relayed to a room: without these bounds one
// session could open hundreds of sockets and rooms and turn each edit into thousands of reads.
// The numbers leave room for real use (four dashboards plus a needs page in a few tabs).

export const LIVE_LIMITS = {
  /** Dashboard rooms one socket may be in at once (a page follows one; a few tabs share nothing). */
  dashboardRoomsPerSocket: 8,
  /** Sockets one session may hold on this instance (a tab holds one). */
  socketsPerSession: 20,
  /** Joins: 10 at once, then one every 500 ms. */
  joins: { capacity: 10, refillPerSecond: 2 },
  /** Intents (focus changes): 20 at once, then 5 a second. */
  intents: { capacity: 20, refillPerSecond: 5 },
  /** Engine.IO connections that have not completed the Socket.IO handshake are closed after this. */
  connectTimeoutMs: 5_000
} as const;

/** A token bucket for one socket: `capacity` at once, refilled continuously. Clock injectable. */
export class SocketBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number = Date.now
  ) {
    this.tokens = capacity;
    this.at = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.at) / 1000) * this.refillPerSecond);
    this.at = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface SocketBudget {
  joins: SocketBucket;
  intents: SocketBucket;
}

export function socketBudget(): SocketBudget {
  return {
    joins: new SocketBucket(LIVE_LIMITS.joins.capacity, LIVE_LIMITS.joins.refillPerSecond),
    intents: new SocketBucket(LIVE_LIMITS.intents.capacity, LIVE_LIMITS.intents.refillPerSecond)
  };
}

export const isDashboardRoom = (room: string) => room.startsWith('dashboard:');
