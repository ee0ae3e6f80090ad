import { QueryErrorResetBoundary } from '@tanstack/react-query';
import { Component, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { ApiError, NetworkError } from '../lib/api';
import { StatusPage } from './StatusPage';

interface BoundaryProps {
  /** Changing it clears the error (e.g. the path: navigating away leaves the error page). */
  resetKey: string;
  onReset?: () => void;
  fallback: (error: unknown) => ReactNode;
  children: ReactNode;
}

class Boundary extends Component<BoundaryProps, { error: unknown }> {
  override state = { error: null as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  // Reset after the key changed (not before the children render again): failed queries are told
  // to fetch again first, otherwise they would throw their cached error straight back.
  override componentDidUpdate(prev: BoundaryProps) {
    if (this.state.error !== null && prev.resetKey !== this.props.resetKey) {
      this.props.onReset?.();
      this.setState({ error: null });
    }
  }

  override render() {
    return this.state.error !== null ? this.props.fallback(this.state.error) : this.props.children;
  }
}

/**
 * Turns what a page throws into the page a person can act on: 403 → "you are not allowed to see
 * this page", 404 → "not found", anything else → "something went wrong" with a retry. Queries
 * that failed are reset so they load again when the person comes back.
 */
export function PageErrorBoundary({
  resetKey,
  homeHref,
  children,
}: {
  resetKey: string;
  homeHref?: string;
  children: ReactNode;
}) {
  return (
    <QueryErrorResetBoundary>
      {({ reset }) => (
        <Boundary
          resetKey={resetKey}
          onReset={reset}
          fallback={(error) => <PageError error={error} homeHref={homeHref} />}
        >
          {children}
        </Boundary>
      )}
    </QueryErrorResetBoundary>
  );
}

export function PageError({ error, homeHref }: { error: unknown; homeHref?: string }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.status === 403)
    return <StatusPage kind="forbidden" message={error.message} homeHref={homeHref} />;
  if (error instanceof ApiError && error.status === 404)
    return <StatusPage kind="notFound" homeHref={homeHref} />;
  const message =
    error instanceof NetworkError || isChunkLoadError(error)
      ? t.common.networkError
      : error instanceof ApiError
        ? error.message
        : undefined;
  return (
    <StatusPage kind="error" message={message} homeHref={homeHref} onRetry={() => window.location.reload()} />
  );
}

/** A lazily loaded page whose file is gone (new deployment) or could not be fetched (offline). */
function isChunkLoadError(error: unknown) {
  return (
    error instanceof TypeError &&
    /dynamically imported module|Importing a module script failed|error loading dynamically/i.test(
      error.message,
    )
  );
}
