/**
 * The probe routes every Onething process answers, the API's and a worker's own health server
 * alike; deployment files (probes, health checks) name these, and a test holds them to it.
 */
export const healthPaths = {
  /** The process runs. */
  live: '/health/live',
  /** The process can serve: what it depends on is reachable. */
  ready: '/health/ready',
} as const;
