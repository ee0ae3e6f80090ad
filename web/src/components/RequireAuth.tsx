import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { Role } from '../../../src/domain/policy/policy.js';
import { hasAnyRole, useSession } from '../lib/session';
import { PageLoader } from './PageLoader';
import { StatusPage } from './StatusPage';

/** Renders its children for a signed-in user; otherwise sends them to sign in and back here. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <PageLoader fullHeight />;
  if (session.isError) return <StatusPage kind="error" onRetry={() => session.refetch()} homeHref="/" />;
  if (!session.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/masuk?next=${next}`} replace state={location.state} />;
  }
  return children;
}

/** Hides a screen from users without one of its roles (the server enforces the same on every request). */
export function RequireRole({ roles, children }: { roles: readonly Role[] | 'all'; children: ReactNode }) {
  const { data: user } = useSession();
  if (!user || !hasAnyRole(user, roles)) return <StatusPage kind="forbidden" />;
  return children;
}
