import { type QueryClient, useQuery } from '@tanstack/react-query';
import type { Role } from '../../../src/domain/policy/policy.js';
import { api, isApiError, setCsrfToken } from './api';

export interface RoleAssignment {
  role: Role;
  unitId: string;
  unitCode: string;
  unitName: string;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  locale: string;
  roles: RoleAssignment[];
}

interface SessionResponse {
  user: SessionUser;
  csrfToken: string;
}

export const SESSION_KEY = ['session'] as const;

/** Must match PASSWORD_MIN_LENGTH on the server (src/modules/auth/auth.service.ts). */
export const PASSWORD_MIN_LENGTH = 10;

/**
 * The session cookie is HttpOnly, so the page cannot see it. This flag remembers that this browser
 * signed in, so anonymous visitors (the public page, the sign-in form) are not sent a session
 * probe that can only answer 401.
 */
const HINT_KEY = 'mercusuar.signedIn';
const hint = {
  get: () => {
    try {
      return localStorage.getItem(HINT_KEY) === '1';
    } catch {
      return true;
    }
  },
  set: (on: boolean) => {
    try {
      if (on) localStorage.setItem(HINT_KEY, '1');
      else localStorage.removeItem(HINT_KEY);
    } catch {
      // storage blocked: we probe every time instead
    }
  },
};

/** The signed-in user, or null. Also stores the CSRF token for later mutations. */
export async function fetchSession(): Promise<SessionUser | null> {
  if (!hint.get()) return null;
  try {
    const s = await api<SessionResponse>('/api/auth/session', { allowUnauthorized: true });
    setCsrfToken(s.csrfToken);
    return s.user;
  } catch (err) {
    if (isApiError(err, 401)) {
      forgetSession();
      return null;
    }
    throw err;
  }
}

export function useSession() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 5 * 60_000 });
}

/** The signed-in user; only for components rendered inside RequireAuth. */
export function useUser(): SessionUser {
  const { data } = useSession();
  if (!data) throw new Error('useUser outside RequireAuth');
  return data;
}

export async function signIn(queryClient: QueryClient, email: string, password: string) {
  const s = await api<SessionResponse>('/api/auth/login', {
    method: 'POST',
    body: { email, password },
    allowUnauthorized: true,
  });
  setCsrfToken(s.csrfToken);
  hint.set(true);
  queryClient.clear();
  queryClient.setQueryData(SESSION_KEY, s.user);
  return s.user;
}

export async function signOut(queryClient: QueryClient) {
  try {
    await api('/api/auth/logout', { method: 'POST', allowUnauthorized: true });
  } finally {
    endLocalSession(queryClient);
  }
}

/** Drops everything this tab knows about the session (after logout, a password change, or a 401). */
export function endLocalSession(queryClient: QueryClient) {
  forgetSession();
  queryClient.clear();
  queryClient.setQueryData(SESSION_KEY, null);
}

function forgetSession() {
  hint.set(false);
  setCsrfToken(null);
}

export const hasAnyRole = (user: SessionUser, roles: readonly Role[] | 'all') =>
  roles === 'all' || user.roles.some((r) => roles.includes(r.role));

/** Where `next` may send the user after signing in: only our own paths. */
export function safeNext(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/masuk')) return '/beranda';
  return next;
}
