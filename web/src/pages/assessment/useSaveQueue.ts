import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { assessmentKey, type ResponseDto, type ResponseInput, saveResponse } from '../../api/assessments';
import { ApiError, NetworkError } from '../../lib/api';

export type SaveStatus = 'saving' | 'saved' | 'offline' | 'error' | 'conflict';

/** The last answer the user asked to save for one indicator, and what became of it. */
export interface SaveEntry {
  code: string;
  status: SaveStatus;
  input: ResponseInput;
  /** Error text (status 'error'). */
  error?: unknown;
  /** The server's answer when ours was stale (status 'conflict'); null: never saved there. */
  current?: ResponseDto | null;
}

const RETRY_MS = 20_000;
const storageKey = (userId: string, assessmentId: string) => `mercusuar.unsaved.${userId}.${assessmentId}`;

function readStored(key: string): Record<string, ResponseInput> {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as Record<string, ResponseInput>) : {};
  } catch {
    return {};
  }
}

function writeStored(key: string, entries: Record<string, SaveEntry>) {
  const keep: Record<string, ResponseInput> = {};
  for (const e of Object.values(entries)) {
    if (e.status === 'offline' || e.status === 'conflict' || e.status === 'saving') keep[e.code] = e.input;
  }
  try {
    if (Object.keys(keep).length === 0) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(keep));
  } catch {
    // storage blocked or full: the answer still waits in memory for this page
  }
}

/**
 * Saving answers so that none is lost on a weak connection: an answer that cannot reach the
 * server waits (in memory and in this browser's storage, per user and assessment) and is sent
 * again when the browser is back online, on a timer, or when the page is opened again. A stale
 * answer (409 VERSION_CONFLICT) keeps the user's answer and the server's side by side until the
 * user chooses.
 */
export function useSaveQueue(assessmentId: string, userId: string) {
  const queryClient = useQueryClient();
  const key = storageKey(userId, assessmentId);
  const [entries, setEntries] = useState<Record<string, SaveEntry>>(() => {
    const stored = readStored(key);
    return Object.fromEntries(
      Object.entries(stored).map(([code, input]) => [code, { code, status: 'offline', input }]),
    );
  });
  /** Bumped when the user drops an answer for the server's: the form starts again from the server. */
  const [resets, setResets] = useState<Record<string, number>>({});
  const entriesRef = useRef(entries);
  const inFlight = useRef(new Set<string>());
  const [online, setOnline] = useState(() => navigator.onLine);

  const update = useCallback(
    (code: string, entry: SaveEntry | null) => {
      const next = { ...entriesRef.current };
      if (entry) next[code] = entry;
      else delete next[code];
      entriesRef.current = next;
      writeStored(key, next);
      setEntries(next);
    },
    [key],
  );

  const save = useCallback(
    async (code: string, input: ResponseInput) => {
      if (!navigator.onLine) {
        update(code, { code, status: 'offline', input });
        return;
      }
      if (inFlight.current.has(code)) {
        // A save of this indicator is under way: the newest answer is sent once it is done.
        update(code, { code, status: 'saving', input });
        return;
      }
      inFlight.current.add(code);
      update(code, { code, status: 'saving', input });
      let next: SaveEntry;
      let savedVersion: number | null = null;
      try {
        savedVersion = (await saveResponse(assessmentId, code, input)).version;
        next = { code, status: 'saved', input };
      } catch (err) {
        if (err instanceof NetworkError) next = { code, status: 'offline', input };
        else if (err instanceof ApiError && err.code === 'VERSION_CONFLICT') {
          const current = (err.details as { current?: ResponseDto | null } | null)?.current ?? null;
          next = { code, status: 'conflict', input, current };
        } else next = { code, status: 'error', input, error: err };
      } finally {
        inFlight.current.delete(code);
      }
      const latest = entriesRef.current[code];
      if (latest && latest.input !== input && latest.status === 'saving') {
        // The user saved again meanwhile: send that answer now, on top of the one just saved.
        const base =
          savedVersion !== null && latest.input.expectedVersion === input.expectedVersion
            ? { ...latest.input, expectedVersion: savedVersion }
            : latest.input;
        void save(code, base);
        return;
      }
      update(code, next);
      // Saved, or stale: the page shows the server's current state (progress, versions) again.
      if (next.status === 'saved' || next.status === 'conflict')
        await queryClient.invalidateQueries({ queryKey: assessmentKey(assessmentId) });
    },
    [assessmentId, queryClient, update],
  );

  const retryAll = useCallback(() => {
    for (const e of Object.values(entriesRef.current)) {
      if (e.status === 'offline') void save(e.code, e.input);
    }
  }, [save]);

  // Back online (or opened again with answers still waiting): send them.
  useEffect(() => {
    const goOnline = () => {
      setOnline(true);
      retryAll();
    };
    const goOffline = () => setOnline(false);
    window.addEventListener('online', goOnline);
    window.addEventListener('offline', goOffline);
    if (navigator.onLine) retryAll();
    return () => {
      window.removeEventListener('online', goOnline);
      window.removeEventListener('offline', goOffline);
    };
  }, [retryAll]);

  // The browser may think it is online while the server cannot be reached: try again now and then.
  const waiting = Object.values(entries).filter((e) => e.status === 'offline').length;
  useEffect(() => {
    if (waiting === 0) return;
    const timer = setInterval(() => {
      if (navigator.onLine) retryAll();
    }, RETRY_MS);
    return () => clearInterval(timer);
  }, [waiting, retryAll]);

  /** Conflict: send my answer over the server's current one, or take the server's and drop mine. */
  const resolve = useCallback(
    async (code: string, choice: 'mine' | 'theirs') => {
      const e = entriesRef.current[code];
      if (e?.status !== 'conflict') return;
      if (choice === 'mine') {
        await save(code, { ...e.input, expectedVersion: e.current?.version ?? 0 });
        return;
      }
      update(code, null);
      setResets((r) => ({ ...r, [code]: (r[code] ?? 0) + 1 }));
      await queryClient.invalidateQueries({ queryKey: assessmentKey(assessmentId) });
    },
    [assessmentId, queryClient, save, update],
  );

  return useMemo(
    () => ({ entries, resets, online, waiting, save, retryAll, resolve }),
    [entries, resets, online, waiting, save, retryAll, resolve],
  );
}

export type SaveQueue = ReturnType<typeof useSaveQueue>;
