import { ComingSoon } from '../components/ComingSoon';
import { PageHeader } from '../components/PageHeader';
import { useI18n } from '../i18n';
import { APP_ROUTES, type AppRouteKey } from '../lib/routes';

type WaitingRoute = {
  [K in AppRouteKey]: (typeof APP_ROUTES)[K] extends { comingSoon: string } ? K : never;
}[AppRouteKey];

/** A screen whose API is still being built: its name, and what it will do, clearly marked. */
export default function ComingSoonPage({ route }: { route: WaitingRoute }) {
  const { t } = useI18n();
  const r = APP_ROUTES[route];
  return (
    <>
      <PageHeader title={t.nav[r.nav]} />
      <ComingSoon feature={r.comingSoon} title={t.nav[r.nav]} />
    </>
  );
}
