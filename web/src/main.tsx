import '@mantine/core/styles.css';
import './styles.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider, initialLang, loadDictionary } from './i18n';
import { ApiError, NetworkError } from './lib/api';
import { AppRouter } from './router';
import { cssVariablesResolver, theme } from './theme';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A 4xx will not change by asking again; network and 5xx errors get two more tries.
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      // 403/404 on a page's resource render the "not allowed" / "not found" page (PageErrorBoundary).
      throwOnError: (err) => err instanceof ApiError && (err.status === 403 || err.status === 404),
      refetchOnWindowFocus: false,
    },
  },
});

// The saved language's texts first (English is a separate chunk); if they cannot be fetched the
// app starts in Indonesian.
await loadDictionary(initialLang()).catch(() => undefined);

createRoot(document.getElementById('root')!, {
  // React logs every error an error boundary catches. A 403/404 or a lost connection is an
  // answer the page shows (PageErrorBoundary), not a bug: keep the console for real errors.
  onCaughtError(error, info) {
    if (error instanceof ApiError || error instanceof NetworkError) return;
    console.error(error, info.componentStack);
  },
}).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} forceColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <AppRouter />
        </I18nProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
