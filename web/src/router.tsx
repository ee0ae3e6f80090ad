import { useQueryClient } from '@tanstack/react-query';
import {
  type ComponentType,
  type LazyExoticComponent,
  lazy,
  type ReactNode,
  Suspense,
  useEffect,
  useRef,
} from 'react';
import { BrowserRouter, Route, Routes, useLocation, useNavigate } from 'react-router';
import { PageErrorBoundary } from './components/ErrorBoundary';
import { PageLoader } from './components/PageLoader';
import { RequireAuth, RequireRole } from './components/RequireAuth';
import { setUnauthorizedHandler } from './lib/api';
import { APP_ROUTES, type AppRouteKey, CYCLE_NEW_PATH, UNIT_IMPORT_PATH } from './lib/routes';
import { endLocalSession } from './lib/session';

// One chunk per page (and one for the signed-in shell), so the sign-in page loads none of the rest.
const LandingPage = lazy(() => import('./pages/LandingPage'));
const SignInPage = lazy(() => import('./pages/SignInPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));
const PublicResultsPage = lazy(() => import('./pages/PublicResultsPage'));
const AppLayout = lazy(() => import('./components/AppLayout'));
const HomePage = lazy(() => import('./pages/HomePage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const UnitsPage = lazy(() => import('./pages/admin/UnitsPage'));
const UnitImportPage = lazy(() => import('./pages/admin/UnitImportPage'));
const UsersPage = lazy(() => import('./pages/admin/UsersPage'));
const AuditPage = lazy(() => import('./pages/admin/AuditPage'));
const AssessmentListPage = lazy(() => import('./pages/assessment/AssessmentListPage'));
const AssessmentPage = lazy(() => import('./pages/assessment/AssessmentPage'));
const ReviewQueuePage = lazy(() => import('./pages/review/ReviewQueuePage'));
const ReviewPage = lazy(() => import('./pages/review/ReviewPage'));
const CyclesPage = lazy(() => import('./pages/cycles/CyclesPage'));
const CycleCreatePage = lazy(() => import('./pages/cycles/CycleCreatePage'));
const CycleDetailPage = lazy(() => import('./pages/cycles/CycleDetailPage'));
const InstrumentsPage = lazy(() => import('./pages/admin/InstrumentsPage'));
const InstrumentVersionPage = lazy(() => import('./pages/admin/InstrumentVersionPage'));
const UnitResultPage = lazy(() => import('./pages/dashboard/UnitResultPage'));

const standalone = (Page: LazyExoticComponent<ComponentType>) => (
  <Suspense fallback={<PageLoader fullHeight />}>
    <Page />
  </Suspense>
);

/** A signed-in screen, only for the roles listed for it in lib/routes.ts. */
const guarded = (key: AppRouteKey, page: ReactNode) => (
  <RequireRole roles={APP_ROUTES[key].roles}>{page}</RequireRole>
);

/** An expired or revoked session: back to the sign-in form, and afterwards back to this page. */
function SessionExpiryRedirect() {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const here = useRef(location);
  here.current = location;
  useEffect(() => {
    setUnauthorizedHandler(() => {
      const { pathname, search } = here.current;
      endLocalSession(queryClient);
      if (pathname === '/masuk') return;
      navigate(`/masuk?next=${encodeURIComponent(pathname + search)}`, {
        replace: true,
        state: { reason: 'expired' },
      });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate, queryClient]);
  return null;
}

function AppRoutes() {
  const { pathname } = useLocation();
  return (
    <PageErrorBoundary resetKey={pathname} homeHref="/">
      <SessionExpiryRedirect />
      <Routes>
        <Route path="/" element={standalone(LandingPage)} />
        <Route path="/masuk" element={standalone(SignInPage)} />
        <Route path="/hasil/:cycleId" element={standalone(PublicResultsPage)} />
        <Route element={<RequireAuth>{standalone(AppLayout)}</RequireAuth>}>
          <Route path={APP_ROUTES.home.path} element={guarded('home', <HomePage />)} />
          <Route path={APP_ROUTES.dashboard.path} element={guarded('dashboard', <DashboardPage />)} />
          <Route
            path={`${APP_ROUTES.dashboard.path}/unit/:assessmentId`}
            element={guarded('dashboard', <UnitResultPage />)}
          />
          <Route path={APP_ROUTES.assessment.path} element={guarded('assessment', <AssessmentListPage />)} />
          <Route
            path={`${APP_ROUTES.assessment.path}/:assessmentId`}
            element={guarded('assessment', <AssessmentPage />)}
          />
          <Route path={APP_ROUTES.verification.path} element={guarded('verification', <ReviewQueuePage />)} />
          <Route
            path={`${APP_ROUTES.verification.path}/:assessmentId`}
            element={guarded('verification', <ReviewPage />)}
          />
          <Route path={APP_ROUTES.cycles.path} element={guarded('cycles', <CyclesPage />)} />
          <Route path={CYCLE_NEW_PATH} element={guarded('cycles', <CycleCreatePage />)} />
          <Route
            path={`${APP_ROUTES.cycles.path}/:cycleId`}
            element={guarded('cycles', <CycleDetailPage />)}
          />
          <Route path={APP_ROUTES.instruments.path} element={guarded('instruments', <InstrumentsPage />)} />
          <Route
            path={`${APP_ROUTES.instruments.path}/:code/:version`}
            element={guarded('instruments', <InstrumentVersionPage />)}
          />
          <Route path={APP_ROUTES.units.path} element={guarded('units', <UnitsPage />)} />
          <Route path={UNIT_IMPORT_PATH} element={guarded('units', <UnitImportPage />)} />
          <Route path={APP_ROUTES.users.path} element={guarded('users', <UsersPage />)} />
          <Route path={APP_ROUTES.audit.path} element={guarded('audit', <AuditPage />)} />
        </Route>
        <Route path="*" element={standalone(NotFoundPage)} />
      </Routes>
    </PageErrorBoundary>
  );
}

export function AppRouter() {
  return (
    <BrowserRouter>
      <AppRoutes />
    </BrowserRouter>
  );
}
