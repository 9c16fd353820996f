import { createHash } from 'node:crypto';

/** What a video session is for: one video-verification task. */
export interface VideoSessionRequest {
  taskId: string;
  applicationId: string;
  department: string;
}

/** A room the citizen and the officer join, each by their own link. */
export interface VideoSession {
  room: string;
  joinUrls: { citizen: string; officer: string };
  /** Which provider made the room, so a deployment changing providers can tell old rooms apart. */
  provider: string;
}

/**
 * The cloud window's (云窗口) video service. A deployment plugs in its own (the government
 * video platform it uses); `createSession` must be idempotent per task, because the activity
 * that calls it is retried.
 */
export interface VideoProvider {
  createSession(request: VideoSessionRequest): Promise<VideoSession>;
}

/**
 * A stand-in that calls nothing: a deterministic room per task and links under `baseUrl`
 * (`https://video.invalid/rooms/<room>?role=citizen`). For development and tests only.
 */
export function createStubVideoProvider(options: { baseUrl?: string } = {}): VideoProvider {
  const base = (options.baseUrl ?? 'https://video.invalid').replace(/\/+$/, '');
  return {
    async createSession({ taskId, department }) {
      const digest = createHash('sha256').update(taskId).digest('hex').slice(0, 16);
      const room = `${department}-${digest}`;
      const link = (role: 'citizen' | 'officer') => `${base}/rooms/${encodeURIComponent(room)}?role=${role}`;
      return { room, joinUrls: { citizen: link('citizen'), officer: link('officer') }, provider: 'stub' };
    },
  };
}
